using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The one way the PostgreSQL provider builds a parameterized command ($1, $2, ... in order).</summary>
internal static class PostgresCommands
{
    public static NpgsqlCommand Command(NpgsqlConnection c, string sql, params object?[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, c);
        foreach (var v in parameters)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = v ?? DBNull.Value });
        }
        return cmd;
    }

    /// <summary>A nullable bigint parameter: a bare DBNull would have no type for <c>$n IS NULL</c>.</summary>
    public static NpgsqlParameter NullableLong(long? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint };

    /// <summary>A nullable text parameter.</summary>
    public static NpgsqlParameter NullableText(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text };
}
