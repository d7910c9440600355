using System.Data.Common;

namespace Dashboard.Storage;

/// <summary>
/// The provider half of a store written once for SQLite and PostgreSQL (the Sql* base classes here): opening a
/// connection and binding parameters. Statements name their parameters $1, $2, ... in order: PostgreSQL's positional
/// spelling, which SQLite reads as the named parameters "$1", "$2", ..., so text both databases accept is written once
/// and only what really differs (JSON access, tie order, collations) is given per provider.
/// </summary>
public abstract class SqlConnections
{
    /// <summary>How this provider spells what the two databases write differently.</summary>
    public abstract SqlDialect Dialect { get; }

    /// <summary>An open connection of the provider's pool; the caller disposes it.</summary>
    public abstract DbConnection Open();

    /// <summary>
    /// A read-only transaction whose reads all see one state of the store (SQLite: a deferred transaction, which takes no
    /// write lock; PostgreSQL: REPEATABLE READ). Commands on <paramref name="connection"/> must name it.
    /// </summary>
    public abstract DbTransaction BeginSnapshot(DbConnection connection);

    /// <summary>A command on <paramref name="connection"/> with <paramref name="values"/> bound to $1, $2, ... (null as SQL NULL).</summary>
    public abstract DbCommand Command(DbConnection connection, string sql, params object?[] values);

    /// <summary>The metric's id, or null when no point of that name was ever stored.</summary>
    public long? GetMetricId(DbConnection connection, string name)
    {
        using var cmd = Command(connection, "SELECT id FROM metric_names WHERE name = $1", name);
        return cmd.ExecuteScalar() is long id ? id : null;
    }
}
