"""The rendering side of the reports: numbers and plain data in, text, charts and files out.

The computing modules (`maillon.reports.keyfigures`, `dashboards`, `partner`, `monthly`, with
the indicator registry `maillon.reports.indicators`) return numbers and plain data and import
nothing from here; the modules of this package format them — French numbers and percentages
(`numbers`), SVG charts (`charts`), the « Chiffres clés » block in Markdown and HTML (`block`),
the documents of each report (`dashboards`, `partner`, `monthly`), XLSX and CSV (`xlsx`), PDF
(`pdf`). The HTTP answers (downloads, the 503 page of a missing PDF library) are the web
views' (`maillon.web.reports`). A test holds the direction (tests/architecture).
"""
