using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// One prepared statement driven through SQLite's own API, for the writer's per-point statements. Microsoft.Data.Sqlite
/// allocates per execution (a binder per parameter, the boxed values, a data reader and its statement enumerators):
/// at 100,000 points/s that was 26 % + 15 % of everything the server allocated (a dotnet-trace gc-verbose sample,
/// bench/README "Ingest allocation"), and the GC pauses it caused were what the ingest p99 waited on. Here a row binds
/// its values straight into the statement: nothing is allocated per row but the UTF-8 of a text SQLite copies.
/// Runs inside the writer's transaction on the same connection (the same handle).
/// </summary>
internal sealed class SqliteRawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private readonly Dictionary<string, byte[]> _repeatedTexts = new(StringComparer.Ordinal);
    private byte[] _buffer = new byte[256];

    public SqliteRawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _stmt);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_stmt, index, value));

    public void Bind(int index, double value) => Check(raw.sqlite3_bind_double(_stmt, index, value));

    /// <summary>A text that repeats across rows (a model name): its UTF-8 is kept, up to 1,000 distinct texts.</summary>
    public void BindRepeated(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_stmt, index));
            return;
        }
        if (!_repeatedTexts.TryGetValue(value, out var utf8))
        {
            if (_repeatedTexts.Count >= 1_000)
            {
                _repeatedTexts.Clear();
            }
            _repeatedTexts[value] = utf8 = Encoding.UTF8.GetBytes(value);
        }
        Check(raw.sqlite3_bind_text(_stmt, index, utf8.AsSpan()));
    }

    /// <summary>Any text: encoded into a buffer this statement reuses (SQLite copies the bound bytes).</summary>
    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_stmt, index));
            return;
        }
        var needed = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_buffer.Length < needed)
        {
            _buffer = new byte[Math.Max(needed, _buffer.Length * 2)];
        }
        var length = Encoding.UTF8.GetBytes(value, _buffer);
        Check(raw.sqlite3_bind_text(_stmt, index, _buffer.AsSpan(0, length)));
    }

    /// <summary>Runs the statement; the number of rows it changed (1 for an insert, 0 for an ignored one).</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_stmt);
        try
        {
            if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, _db); // reads the connection's message: before the reset
            }
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _stmt.Dispose();
}
