"""Stream afterimage GenerationMonitor metrics, logs and alerts to the Dashboard (standard library only).

    from dashboard_client import DashboardMetricHandler
    handler = DashboardMetricHandler("http://localhost:5000", run="my-run", api_key="...")
    monitor = GenerationMonitor(metric_handlers=[handler])
"""
from ._time import to_utc_iso
from ._transport import DashboardWarning, Transport
from .handlers import DashboardAlertHandler, DashboardLogHandler, DashboardMetricHandler
from .importer import import_file
from .monitor import DashboardMonitor, ModelTokenUsage, TokenUsageReport

__all__ = [
    "DashboardAlertHandler", "DashboardLogHandler", "DashboardMetricHandler", "DashboardMonitor", "DashboardWarning",
    "ModelTokenUsage", "TokenUsageReport", "Transport", "import_file", "to_utc_iso",
]
__version__ = "0.1.0"
