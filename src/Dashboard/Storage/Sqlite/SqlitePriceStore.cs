using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>The price table in SQLite (schema step 10).</summary>
public sealed class SqlitePriceStore(SqliteConnectionFactory connections) : IPriceStore
{
    public async Task<IReadOnlyList<PriceEntry>> GetPricesAsync(CancellationToken ct)
    {
        await using var c = connections.Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT model, valid_from, input_per_million, output_per_million, cached_input_per_million, currency
            FROM prices ORDER BY model COLLATE NOCASE, valid_from
            """;
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
        await using var c = connections.Open();
        await using var tx = c.BeginTransaction();
        await using (var delete = c.CreateCommand())
        {
            delete.CommandText = "DELETE FROM prices";
            await delete.ExecuteNonQueryAsync(ct);
        }
        await InsertAsync(c, prices, ct);
        await tx.CommitAsync(ct);
    }

    public async Task MergePricesAsync(IReadOnlyList<PriceEntry> prices, CancellationToken ct)
    {
        await using var c = connections.Open();
        await using var tx = c.BeginTransaction();
        await InsertAsync(c, prices, ct);
        await tx.CommitAsync(ct);
    }

    // model_key (lower-case) makes one row per model and day whatever the spelling; INSERT OR REPLACE merges on it.
    private static async Task InsertAsync(SqliteConnection c, IReadOnlyList<PriceEntry> prices, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT OR REPLACE INTO prices (model_key, model, valid_from, input_per_million, output_per_million, cached_input_per_million, currency)
            VALUES ($key, $model, $from, $in, $out, $cached, $currency)
            """;
        var key = cmd.Parameters.Add("$key", SqliteType.Text);
        var model = cmd.Parameters.Add("$model", SqliteType.Text);
        var from = cmd.Parameters.Add("$from", SqliteType.Text);
        var input = cmd.Parameters.Add("$in", SqliteType.Real);
        var output = cmd.Parameters.Add("$out", SqliteType.Real);
        var cached = cmd.Parameters.Add("$cached", SqliteType.Real);
        var currency = cmd.Parameters.Add("$currency", SqliteType.Text);
        foreach (var p in prices)
        {
            key.Value = p.Model.ToLowerInvariant();
            model.Value = p.Model;
            from.Value = p.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            input.Value = p.InputPerMillion;
            output.Value = p.OutputPerMillion;
            cached.Value = p.CachedInputPerMillion is { } v ? v : DBNull.Value;
            currency.Value = p.Currency;
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
