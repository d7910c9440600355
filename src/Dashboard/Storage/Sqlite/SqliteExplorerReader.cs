using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>SQLite's explorer reads (<see cref="ExplorerSql"/>); a metadata key is read with json_each, so any key name works.</summary>
public sealed class SqliteExplorerReader(SqliteConnectionFactory connections) : IExplorerReader
{
    private static readonly ExplorerSql.Dialect Dialect = new(i => "$p" + i,
        key => $"(SELECT CAST(j.value AS TEXT) FROM json_each(CASE WHEN json_valid(p.metadata) THEN p.metadata ELSE '{{}}' END) j WHERE j.key = {key} AND j.type <> 'null')");

    public ExplorerResult GetSeries(ExplorerQuery query, CancellationToken ct = default)
    {
        using var c = connections.Open();
        var commands = new List<SqliteCommand>();
        try
        {
            return ExplorerReading.Read(query, Dialect, (sql, args) =>
            {
                var cmd = SqliteCommands.Command(c, sql, [.. args.Select((v, i) => ("$p" + i, v))]);
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
        using var c = connections.Open();
        var runs = string.Join(", ", runIds.Select((_, i) => "$r" + i));
        using var cmd = SqliteCommands.Command(c, $"SELECT DISTINCT key FROM run_metric_keys WHERE run_id IN ({runs}) ORDER BY key LIMIT $limit",
            [.. runIds.Select((id, i) => ("$r" + i, (object?)id)), ("$limit", limit)]);
        using var r = cmd.ExecuteReader();
        var keys = new List<string>();
        while (r.Read())
        {
            keys.Add(r.GetString(0));
        }
        return keys;
    }
}
