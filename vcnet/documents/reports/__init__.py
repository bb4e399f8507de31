"""Printable and downloadable reports: yearly registers (PDF), statistics (XLSX, PDF), SVG charts."""

from vcnet.documents.reports.charts import bar_chart_svg, daily_chart_svg, on_time_donut_svg
from vcnet.documents.reports.exports import export_record, stats_pdf, stats_xlsx
from vcnet.documents.reports.registers import (
    register_for_print,
    register_pdf,
    register_rows,
    register_years,
)

__all__ = [
    "bar_chart_svg",
    "daily_chart_svg",
    "export_record",
    "on_time_donut_svg",
    "register_for_print",
    "register_pdf",
    "register_rows",
    "register_years",
    "stats_pdf",
    "stats_xlsx",
]
