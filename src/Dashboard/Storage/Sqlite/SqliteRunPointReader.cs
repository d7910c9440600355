using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// <see cref="SqlRunPointReader"/> on SQLite: series through the raw statement reader (<see cref="RawPointReader"/>),
/// recent events from the rollups.
/// </summary>
public sealed class SqliteRunPointReader(SqliteConnectionFactory connections) : SqlRunPointReader(new SqliteSqlConnections(connections))
{
    // Only metrics updated in the window are scanned, through the (run, metric, ts) index.
    public override long CountEventsSince(long runId, long since, CancellationToken ct = default)
    {
        using var c = (SqliteConnection)Db.Open();
        return SqliteRollupReader.GetEventsSince(c, runId, since);
    }

    protected override void ReadPoints(DbConnection c, long runId, long metricId, long from, long to, List<long> times, List<double> values,
        Action<string?, double>? perModel) =>
        RawPointReader.Read((SqliteConnection)c, runId, metricId, from, to, times, values, perModel);
}
