using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Dashboard.Bench.LivePages;

/// <summary>
/// A run of 100 million points without an hour of writing (issue 14 asks for the curve at 1M, 10M and 100M,
/// "simulated where the disk allows"): a filled run is copied <c>copies - 1</c> more times, each copy shifted back by
/// two more hours, in plain SQL. Points, rollups (1 s, 1 min, 1 h: a shift by whole hours keeps every bucket
/// aligned, and by two hours keeps a copy out of the hour buckets of a run under an hour long that crosses an hour, so each
/// copied rollup row is exactly the rollup of the copied points, sketch bytes included), token
/// rollups and event seconds are shifted alike; the run's totals are multiplied. The result is a consistent run of
/// copies x the points, made of dense blocks two hours apart.
/// </summary>
internal static class Grow
{
    private const long Hour = 3_600_000_000;

    public static void Run(string source, string target, int copies)
    {
        if (File.Exists(target))
        {
            throw new IOException($"{target} exists");
        }
        Fill.CopyTo(source, target);
        var clock = Stopwatch.StartNew();
        using var c = new SqliteConnection($"Data Source={target};Pooling=False");
        c.Open();
        Exec(c, "PRAGMA synchronous = OFF");
        var (lastRowid, span) = ((long)Scalar(c, "SELECT MAX(rowid) FROM points"), (long)Scalar(c, "SELECT MAX(ts) - MIN(ts) FROM points"));
        if (span >= Hour)
        {
            throw new InvalidOperationException("The source run spans an hour or more: shifted copies would overlap.");
        }
        // The source's own rollup rows, taken once: each copy is shifted from these.
        Exec(c, "CREATE TEMP TABLE source_point_rollups AS SELECT * FROM point_rollups");
        Exec(c, "CREATE TEMP TABLE source_token_rollups AS SELECT * FROM token_rollups");
        Exec(c, "CREATE TEMP TABLE source_event_seconds AS SELECT * FROM run_event_seconds");
        for (var k = 1; k < copies; k++)
        {
            var shift = k * 2 * Hour;
            using var tx = c.BeginTransaction();
            Exec(c, $"INSERT INTO points (run_id, metric_id, ts, value, model_name, metadata) SELECT run_id, metric_id, ts - {shift}, value, model_name, metadata FROM points WHERE rowid <= {lastRowid}", tx);
            Exec(c, $"INSERT INTO point_rollups SELECT run_id, metric_id, width, bucket - {shift}, model, count, sum, min, max, int_sum, sketch FROM source_point_rollups", tx);
            Exec(c, $"INSERT INTO token_rollups SELECT run_id, width, bucket - {shift}, model, judge, prompt, completion, total, total_value, events, derived FROM source_token_rollups", tx);
            Exec(c, $"INSERT INTO run_event_seconds SELECT run_id, second - {shift}, events FROM source_event_seconds", tx);
            tx.Commit();
            Console.WriteLine($"  copy {k} of {copies - 1} after {clock.Elapsed.TotalSeconds:F0} s");
        }
        Exec(c, $"UPDATE run_metrics SET count = count * {copies}, sum = sum * {copies}, model_points = model_points * {copies}");
        Exec(c, $"UPDATE runs SET first_ts = first_ts - {(copies - 1) * 2 * Hour}, event_count = event_count * {copies}");
        Exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
        Console.WriteLine($"{Scalar(c, "SELECT COUNT(*) FROM points"):N0} points in {clock.Elapsed.TotalSeconds:F0} s; file {new FileInfo(target).Length / 1e6:N0} MB");
    }

    private static void Exec(SqliteConnection c, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandTimeout = 0;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandTimeout = 0;
        cmd.CommandText = sql;
        return cmd.ExecuteScalar()!;
    }
}
