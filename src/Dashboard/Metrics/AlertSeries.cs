using Dashboard.Live;

namespace Dashboard.Metrics;

/// <summary>Pending and firing alerts as Prometheus' own ALERTS series, so dashboards and recording rules can use them alike.</summary>
internal static class AlertSeries
{
    public static void Write(PrometheusTextWriter w, IReadOnlyList<AlertChangedMessage> alerts, int total)
    {
        w.Family("ALERTS", "gauge", "Pending and firing dashboard alerts (value 1), labelled as Prometheus labels its own.");
        // Two alerts of the same rule and run cannot both be active; the label set stays unique.
        foreach (var a in alerts)
        {
            if (a.Run is { } run)
            {
                w.Sample("ALERTS", [new("alertname", a.Rule), new("alertstate", a.State), new("severity", a.Severity), new("run", run)], 1);
            }
            else
            {
                w.Sample("ALERTS", [new("alertname", a.Rule), new("alertstate", a.State), new("severity", a.Severity)], 1);
            }
        }
        w.Family("dashboard_alerts_active", "gauge", "Pending and firing alerts, including any beyond Metrics:MaxAlerts that ALERTS does not list.");
        w.Sample("dashboard_alerts_active", [], total);
    }
}
