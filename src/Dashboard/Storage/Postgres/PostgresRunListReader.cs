using System.Data.Common;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>PostgreSQL's runs list (see <see cref="SqlRunListReader"/>): ILIKE searches as SQLite's LIKE does.</summary>
public sealed class PostgresRunListReader(NpgsqlDataSource data)
    : SqlRunListReader(new PostgresSqlConnections(data), "ILIKE")
{
    /// <summary>Every run's latest values in one statement (a LATERAL walk per run), not one round trip per run.</summary>
    protected override void ReadLatest(DbConnection c, IReadOnlyDictionary<long, string> runs, long metricId, int sample,
        Action<long, double> add, CancellationToken ct)
    {
        using var cmd = PostgresCommands.Command((NpgsqlConnection)c, """
            SELECT x.id, p.value FROM unnest($1::bigint[]) AS x(id)
            CROSS JOIN LATERAL (SELECT value, ts, seq FROM points WHERE run_id = x.id AND metric_id = $2 ORDER BY ts DESC, seq DESC LIMIT $3) p
            ORDER BY x.id, p.ts DESC, p.seq DESC
            """, runs.Keys.ToArray(), metricId, sample);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            add(r.GetInt64(0), r.GetDouble(1));
        }
    }
}
