using System.Globalization;
using Npgsql;
using static Dashboard.Storage.Postgres.PostgresCommands;

namespace Dashboard.Storage.Postgres;

/// <summary>The PostgreSQL twin of <see cref="Sqlite.SqlitePriceStore"/> (schema step 10); lists sort as SQLite's NOCASE does (ASCII case folded, then bytes).</summary>
public sealed class PostgresPriceStore(NpgsqlDataSource dataSource) : IPriceStore
{
    public async Task<IReadOnlyList<PriceEntry>> GetPricesAsync(CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = Command(c, """
            SELECT model, valid_from, input_per_million, output_per_million, cached_input_per_million, currency
            FROM prices ORDER BY lower(model COLLATE "C"), valid_from COLLATE "C"
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<PriceEntry>();
        while (await r.ReadAsync(ct))
        {
            list.Add(new PriceEntry(r.GetString(0), DateOnly.ParseExact(r.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                r.GetDouble(2), r.GetDouble(3), r.IsDBNull(4) ? null : r.GetDouble(4), r.GetString(5)));
        }
        return list;
    }

    public async Task ReplacePricesAsync(IReadOnlyList<PriceEntry> prices, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var delete = Command(c, "DELETE FROM prices"))
        {
            await delete.ExecuteNonQueryAsync(ct);
        }
        await InsertAsync(c, prices, ct);
        await tx.CommitAsync(ct);
    }

    public async Task MergePricesAsync(IReadOnlyList<PriceEntry> prices, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await InsertAsync(c, prices, ct);
        await tx.CommitAsync(ct);
    }

    // model_key (lower-case) makes one row per model and day whatever the spelling; the upsert merges on it.
    private static async Task InsertAsync(NpgsqlConnection c, IReadOnlyList<PriceEntry> prices, CancellationToken ct)
    {
        foreach (var p in prices)
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO prices (model_key, model, valid_from, input_per_million, output_per_million, cached_input_per_million, currency)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (model_key, valid_from) DO UPDATE SET model = excluded.model, input_per_million = excluded.input_per_million,
                    output_per_million = excluded.output_per_million, cached_input_per_million = excluded.cached_input_per_million,
                    currency = excluded.currency
                """, c);
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.Model.ToLowerInvariant() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.Model });
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.InputPerMillion });
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.OutputPerMillion });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)p.CachedInputPerMillion ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double });
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.Currency });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
