-- The metrics shared by every roll-up, over report_summary rows (included by the runner).
    count(*) AS reports,
    count(DISTINCT agency_id) AS agencies,
    sum(received) AS received,
    sum(processed) AS processed,
    sum(granted) AS granted,
    sum(partially_granted) AS partially_granted,
    CASE WHEN sum(processed) > 0
         THEN round((coalesce(sum(granted), 0) + coalesce(sum(partially_granted), 0)) / sum(processed), 4)
    END AS granted_share,
    sum(denied) AS denied,
    sum(unavailable) AS unavailable,
    sum(rejected) AS rejected,
    sum(other_processing) AS other_processing,
    sum(carried_forward) AS carried_forward,
    sum(reviews) AS reviews,
    sum(reviews_corrected) AS reviews_corrected,
    sum(lawsuits) AS lawsuits,
    sum(lawsuits_corrected) AS lawsuits_corrected,
    CASE WHEN sum(concluded) > 0
         THEN round((coalesce(sum(reviews_corrected), 0) + coalesce(sum(lawsuits_corrected), 0)) / sum(concluded), 4)
    END AS corrected_share,
    count(*) FILTER (WHERE on_time) AS on_time_reports,
    count(*) FILTER (WHERE NOT on_time) AS late_reports,
    count(*) FILTER (WHERE error_checks > 0) AS reports_with_errors
