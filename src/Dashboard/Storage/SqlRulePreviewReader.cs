namespace Dashboard.Storage;

/// <summary>
/// The alert rule preview's reads, written once for both providers (<see cref="SqlDialect"/> holds what differs): names
/// sort by bytes on both, equal timestamps by arrival.
/// </summary>
public abstract class SqlRulePreviewReader(SqlConnections db) : IRulePreviewReader
{
    public Task<IReadOnlyList<string>> GetMetricNamesAsync(CancellationToken ct)
    {
        using var c = db.Open();
        using var cmd = db.Command(c, $"SELECT name FROM metric_names ORDER BY name{db.Dialect.ByteOrder}");
        using var r = cmd.ExecuteReader();
        var names = new List<string>();
        while (r.Read())
        {
            names.Add(r.GetString(0));
        }
        return Task.FromResult<IReadOnlyList<string>>(names);
    }

    public Task<(IReadOnlyList<PreviewSeries> Series, bool Truncated)> GetPreviewSeriesAsync(
        string metric, string scope, string? scopeValue, DateTimeOffset from, DateTimeOffset to, int maxPoints, CancellationToken ct)
    {
        var d = db.Dialect;
        var filter = scope switch
        {
            "project" => " AND r.project = $4",
            "run" => " AND r.name = $4",
            _ => "",
        };
        using var c = db.Open();
        // Runs whose last point is before the range are skipped; each run's points come through the (run, metric, ts) index.
        using var cmd = db.Command(c, $"""
            SELECT r.name, p.ts, p.value
            FROM runs r
            JOIN metric_names m ON m.name = $1
            JOIN points p ON p.run_id = r.id AND p.metric_id = m.id AND p.ts >= $2 AND p.ts < $3
            WHERE (r.last_ts IS NULL OR r.last_ts >= $2){filter}
            ORDER BY r.name{d.ByteOrder}, p.ts, p.{d.Arrival}
            LIMIT $5
            """, metric, from.ToUnixTimeMilliseconds() * 1000, to.ToUnixTimeMilliseconds() * 1000, scopeValue ?? "", maxPoints + 1);
        using var r = cmd.ExecuteReader();
        var series = new List<PreviewSeries>();
        string? run = null;
        List<long> ts = [];
        List<double> values = [];
        var read = 0;
        var truncated = false;
        while (r.Read())
        {
            if (++read > maxPoints)
            {
                truncated = true;
                break;
            }
            var name = r.GetString(0);
            if (name != run)
            {
                Flush();
                run = name;
                ts = [];
                values = [];
            }
            ts.Add(r.GetInt64(1));
            values.Add(r.GetDouble(2));
        }
        Flush();
        return Task.FromResult<(IReadOnlyList<PreviewSeries>, bool)>((series, truncated));

        void Flush()
        {
            if (run is not null && ts.Count > 0)
            {
                series.Add(new PreviewSeries(run, ts, values));
            }
        }
    }
}
