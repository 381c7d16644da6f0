-- Roll-ups by region and year, at province, city and district level.
WITH s AS (
    SELECT
        rs.*,
        coalesce(rs.province, '未知') AS p,
        coalesce(rs.city, '未知') AS c,
        coalesce(rs.district, '未知') AS d,
        (SELECT sum(coalesce(total, 0) - coalesce(pending, 0))
           FROM reviews_litigation AS rl WHERE rl.report_id = rs.report_id) AS concluded
    FROM report_summary AS rs
)
SELECT * FROM (
    SELECT
        CASE WHEN grouping(c) = 1 THEN 'province' WHEN grouping(d) = 1 THEN 'city' ELSE 'district' END AS level,
        CASE WHEN grouping(c) = 1 THEN p WHEN grouping(d) = 1 THEN p || '/' || c ELSE p || '/' || c || '/' || d END AS region,
        any_value(province) AS province,
        CASE WHEN grouping(c) = 0 THEN any_value(city) END AS city,
        CASE WHEN grouping(d) = 0 THEN any_value(district) END AS district,
        year,
{{ rollup_metrics }}
    FROM s
    GROUP BY GROUPING SETS ((p, year), (p, c, year), (p, c, d, year))
)
ORDER BY region, year
