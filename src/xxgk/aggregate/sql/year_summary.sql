-- All reports, by year.
WITH s AS (
    SELECT
        rs.*,
        (SELECT sum(coalesce(total, 0) - coalesce(pending, 0))
           FROM reviews_litigation AS rl WHERE rl.report_id = rs.report_id) AS concluded
    FROM report_summary AS rs
)
SELECT
    year,
{{ rollup_metrics }}
FROM s
GROUP BY year
ORDER BY year
