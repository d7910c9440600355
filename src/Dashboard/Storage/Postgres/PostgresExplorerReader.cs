using System.Data.Common;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>PostgreSQL's explorer reads (<see cref="ExplorerSql"/>): a metadata key is read with jsonb's ->>.</summary>
public sealed class PostgresExplorerReader(NpgsqlDataSource data) : IExplorerReader
{
    private static readonly ExplorerSql.Dialect Dialect = new(i => "$" + (i + 1), key => $"(p.metadata::jsonb ->> {key})");

    public ExplorerResult GetSeries(ExplorerQuery query, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        var commands = new List<NpgsqlCommand>();
        try
        {
            return ExplorerReading.Read(query, Dialect, (sql, args) =>
            {
                var cmd = PostgresCommands.Command(c, sql, args);
                commands.Add(cmd);
                return (DbDataReader)cmd.ExecuteReader();
            });
        }
        finally
        {
            commands.ForEach(cmd => cmd.Dispose());
        }
    }

    public IReadOnlyList<string> GetMetadataKeys(IReadOnlyList<long> runIds, int limit, CancellationToken ct = default)
    {
        if (runIds.Count == 0)
        {
            return [];
        }
        using var c = data.OpenConnection();
        using var cmd = PostgresCommands.Command(c, "SELECT DISTINCT key FROM run_metric_keys WHERE run_id = ANY($1) ORDER BY key LIMIT $2",
            runIds.ToArray(), limit);
        using var r = cmd.ExecuteReader();
        var keys = new List<string>();
        while (r.Read())
        {
            keys.Add(r.GetString(0));
        }
        return keys;
    }
}
