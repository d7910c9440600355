using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Dashboard.Tests.Storage;

/// <summary>
/// The writer's per-point statement bypasses Microsoft.Data.Sqlite's parameters: what it stores must read back the
/// same through Microsoft.Data.Sqlite, and SQLite's errors must surface as the same <see cref="SqliteException"/> the
/// writer maps to 503.
/// </summary>
public sealed class SqliteRawStatementTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public SqliteRawStatementTests()
    {
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (i INTEGER NOT NULL, d REAL, s TEXT, m TEXT); CREATE TABLE u (k TEXT PRIMARY KEY)";
        create.ExecuteNonQuery();
    }

    [Fact]
    public void Execute_ValuesOfEveryKind_ReadBackAsBound()
    {
        using var insert = new SqliteRawStatement(_connection, "INSERT INTO t (i, d, s, m) VALUES (?1, ?2, ?3, ?4)");
        var longText = string.Concat(Enumerable.Repeat("ü€😀", 200)); // past the statement's first buffer, multi-byte UTF-8

        foreach (var (i, d, s, m) in new (long, double, string?, string?)[]
                 { (long.MaxValue, -0.5, "{\"k\":\"<b>\"}", "gpt-4o"), (-1, 1e300, null, null), (0, double.Epsilon, longText, "gpt-4o"), (7, 2.5, "", "llama") })
        {
            insert.Bind(1, i);
            insert.Bind(2, d);
            insert.Bind(3, s);
            insert.BindRepeated(4, m);
            insert.Execute().Should().Be(1);
        }

        using var read = _connection.CreateCommand();
        read.CommandText = "SELECT i, d, s, m FROM t ORDER BY rowid";
        using var r = read.ExecuteReader();
        var rows = new List<(long, double, string?, string?)>();
        while (r.Read())
        {
            rows.Add((r.GetInt64(0), r.GetDouble(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)));
        }
        rows.Should().Equal((long.MaxValue, -0.5, "{\"k\":\"<b>\"}", "gpt-4o"), (-1, 1e300, null, null), (0, double.Epsilon, longText, "gpt-4o"), (7, 2.5, "", "llama"));
    }

    [Fact]
    public void Execute_IgnoredInsert_CountsNoChange()
    {
        using var insert = new SqliteRawStatement(_connection, "INSERT OR IGNORE INTO u (k) VALUES (?1)");

        insert.Bind(1, "id-1");
        insert.Execute().Should().Be(1);
        insert.Bind(1, "id-1");
        insert.Execute().Should().Be(0, "a duplicate id is told apart by the change count");
    }

    [Fact]
    public void Execute_ConstraintViolated_ThrowsSqliteExceptionAndTheStatementStaysUsable()
    {
        using var insert = new SqliteRawStatement(_connection, "INSERT INTO t (i) VALUES (?1)");

        insert.Bind(1, (string?)null);
        var thrown = insert.Invoking(s => s.Execute()).Should().Throw<SqliteException>().Which;
        thrown.SqliteErrorCode.Should().Be(19); // SQLITE_CONSTRAINT
        thrown.Message.Should().Contain("NOT NULL");

        insert.Bind(1, 5L);
        insert.Execute().Should().Be(1);
    }

    [Fact]
    public void Prepare_BadSql_ThrowsSqliteException() =>
        FluentActions.Invoking(() => new SqliteRawStatement(_connection, "INSERT INTO missing VALUES (?1)"))
            .Should().Throw<SqliteException>().WithMessage("*no such table*");

    public void Dispose() => _connection.Dispose();
}
