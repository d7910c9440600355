using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

public sealed class SqliteRulePreviewReader(SqliteConnectionFactory connections) : IRulePreviewReader
{
    public Task<IReadOnlyList<string>> GetMetricNamesAsync(CancellationToken ct)
    {
        using var c = connections.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name FROM metric_names ORDER BY name";
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
        using var c = connections.Open();
        using var cmd = c.CreateCommand();
        var filter = scope switch
        {
            "project" => " AND r.project = $scope",
            "run" => " AND r.name = $scope",
            _ => "",
        };
        // Runs whose last point is before the range are skipped; each run's points come through the (run, metric, ts) index.
        cmd.CommandText = $"""
            SELECT r.name, p.ts, p.value
            FROM runs r
            JOIN metric_names m ON m.name = $metric
            JOIN points p ON p.run_id = r.id AND p.metric_id = m.id AND p.ts >= $from AND p.ts < $to
            WHERE (r.last_ts IS NULL OR r.last_ts >= $from){filter}
            ORDER BY r.name, p.ts
            LIMIT $limit
            """;
        cmd.Parameters.AddWithValue("$metric", metric);
        cmd.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds() * 1000);
        cmd.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds() * 1000);
        cmd.Parameters.AddWithValue("$scope", scopeValue ?? "");
        cmd.Parameters.AddWithValue("$limit", maxPoints + 1);
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
