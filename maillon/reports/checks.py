"""System check (`maillon check --system`): can this server make PDFs?"""

from django.core import checks

from maillon.reports.rendering.pdf import pdf_available


@checks.register(checks.Tags.compatibility)
def pdf_rendering_check(app_configs, **kwargs):
    if pdf_available():
        return []
    return [
        checks.Warning(
            "WeasyPrint cannot load Pango: PDF reports answer 503.",
            hint="Install Debian's libpango-1.0-0 and libpangoft2-1.0-0.",
            id="maillon.reports.W001",
        )
    ]
