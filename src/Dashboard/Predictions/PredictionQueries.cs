using Dashboard.Ingest;
using Dashboard.Storage;
using Microsoft.Data.Sqlite;

namespace Dashboard.Predictions;

/// <summary>Reads what the prediction summary needs: the runs that have predictions, and one run's points in a window.</summary>
public sealed class PredictionQueries(SqliteConnectionFactory connections)
{
    public const string ConfidenceMetric = "prediction_confidence";
    public const string ProcessingTimeMetric = "prediction_processing_time";
    public const string ErrorMetric = "prediction_error";

    /// <summary>Most runs <see cref="GetRuns"/> lists (page picker and GET /api/v1/predictions/runs).</summary>
    public const int MaxRuns = 200;

    /// <summary>Runs with a prediction_confidence or prediction_error metric, most recently active first, at most <see cref="MaxRuns"/>.</summary>
    public IReadOnlyList<PredictionRun> GetRuns()
    {
        using var c = connections.Open();
        using var cmd = PointQueries.Command(c, """
            SELECT r.name, r.project,
                   SUM(CASE WHEN n.name = $conf THEN m.count ELSE 0 END),
                   SUM(CASE WHEN n.name = $err THEN m.count ELSE 0 END),
                   MAX(m.last_ts)
            FROM runs r
            JOIN run_metrics m ON m.run_id = r.id
            JOIN metric_names n ON n.id = m.metric_id
            WHERE n.name IN ($conf, $err)
            GROUP BY r.id
            ORDER BY r.last_received_at DESC, r.name
            LIMIT $limit
            """, ("$conf", ConfidenceMetric), ("$err", ErrorMetric), ("$limit", MaxRuns));
        using var r = cmd.ExecuteReader();
        var runs = new List<PredictionRun>();
        while (r.Read())
        {
            runs.Add(new PredictionRun(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), Timestamps.FromMicros(r.GetInt64(4))));
        }
        return runs;
    }

    /// <summary>The run's confidence points (with their label), processing times and error count since <paramref name="from"/>.</summary>
    public PredictionData GetData(long runId, long from)
    {
        using var c = connections.Open();
        var confidences = new List<ConfidencePoint>();
        using (var cmd = PointQueries.Command(c, """
            SELECT p.ts, p.value, CAST(json_extract(p.metadata, '$.label') AS TEXT)
            FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $r AND n.name = $name AND p.ts >= $from
            ORDER BY p.ts, p.rowid
            """, ("$r", runId), ("$name", ConfidenceMetric), ("$from", from)))
        {
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                confidences.Add(new ConfidencePoint(r.GetInt64(0), r.GetDouble(1), r.IsDBNull(2) ? null : r.GetString(2)));
            }
        }
        var times = Values(c, runId, ProcessingTimeMetric, from);
        using var errors = PointQueries.Command(c, """
            SELECT COUNT(*) FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $r AND n.name = $name AND p.ts >= $from
            """, ("$r", runId), ("$name", ErrorMetric), ("$from", from));
        return new PredictionData(confidences, times, (long)errors.ExecuteScalar()!);
    }

    private static List<double> Values(SqliteConnection c, long runId, string metric, long from)
    {
        using var cmd = PointQueries.Command(c, """
            SELECT p.value FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $r AND n.name = $name AND p.ts >= $from
            ORDER BY p.ts, p.rowid
            """, ("$r", runId), ("$name", metric), ("$from", from));
        using var r = cmd.ExecuteReader();
        var values = new List<double>();
        while (r.Read())
        {
            values.Add(r.GetDouble(0));
        }
        return values;
    }
}

public sealed record PredictionRun(string Run, string Project, long Predictions, long Errors, DateTimeOffset LastEvent);
