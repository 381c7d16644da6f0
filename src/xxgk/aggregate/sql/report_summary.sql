-- One wide row per report: the numbers a reader asks first.
-- Inputs are the package's resources, loaded as tables of the same names.
WITH apps AS (
    SELECT
        report_id,
        max(total) FILTER (WHERE "row" = 'received') AS received,
        max(total) FILTER (WHERE "row" = 'carried_over') AS carried_over,
        max(total) FILTER (WHERE "row" = 'total_processed') AS processed,
        max(total) FILTER (WHERE "row" = 'granted') AS granted,
        max(total) FILTER (WHERE "row" = 'partially_granted') AS partially_granted,
        sum(total) FILTER (WHERE "row" LIKE 'denied\_%' ESCAPE '\') AS denied,
        sum(total) FILTER (WHERE "row" LIKE 'unavailable\_%' ESCAPE '\') AS unavailable,
        sum(total) FILTER (WHERE "row" LIKE 'rejected\_%' ESCAPE '\') AS rejected,
        sum(total) FILTER (WHERE "row" LIKE 'other\_%' ESCAPE '\') AS other_processing,
        max(total) FILTER (WHERE "row" = 'carried_forward') AS carried_forward
    FROM applications
    GROUP BY report_id
),
rev AS (
    SELECT
        report_id,
        max(total) FILTER (WHERE proceeding = 'review') AS reviews,
        max(corrected) FILTER (WHERE proceeding = 'review') AS reviews_corrected,
        sum(total) FILTER (WHERE proceeding LIKE 'litigation%') AS lawsuits,
        sum(corrected) FILTER (WHERE proceeding LIKE 'litigation%') AS lawsuits_corrected,
        sum(coalesce(total, 0) - coalesce(pending, 0)) AS concluded,
        sum(corrected) AS corrected
    FROM reviews_litigation
    GROUP BY report_id
)
SELECT
    r.report_id,
    r.agency_id,
    a.name AS agency_name,
    a.province,
    a.city,
    a.district,
    r.year,
    r.template,
    apps.received,
    apps.carried_over,
    apps.processed,
    apps.granted,
    apps.partially_granted,
    CASE WHEN apps.processed > 0
         THEN round((coalesce(apps.granted, 0) + coalesce(apps.partially_granted, 0)) / apps.processed, 4)
    END AS granted_share,
    apps.denied,
    apps.unavailable,
    apps.rejected,
    apps.other_processing,
    apps.carried_forward,
    rev.reviews,
    rev.reviews_corrected,
    rev.lawsuits,
    rev.lawsuits_corrected,
    CASE WHEN rev.concluded > 0 THEN round(coalesce(rev.corrected, 0) / rev.concluded, 4) END
        AS corrected_share,
    r.published_on,
    r.on_time,
    r.error_checks,
    r.warning_checks
FROM reports AS r
JOIN agencies AS a USING (agency_id)
LEFT JOIN apps USING (report_id)
LEFT JOIN rev USING (report_id)
ORDER BY r.report_id
