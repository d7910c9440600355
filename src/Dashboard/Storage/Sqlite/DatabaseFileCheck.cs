using System.Buffers.Binary;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>The database file cannot be used; the message names the file and what the operator can do.</summary>
public sealed class DatabaseRefusedException(string message) : Exception(message);

/// <summary>
/// Looks at an existing database file before anything writes to it. SQLite would otherwise treat a zero-byte file as
/// a new empty database (silently replacing what the operator thought was there), abort start-up deep in a PRAGMA
/// for a truncated or overwritten file, and start "healthy" on corrupt middle pages only to fail ingest later.
/// The cheap checks (header, size against the header's page count, the schema readable) always run; the page-by-page
/// <c>PRAGMA quick_check</c> reads the whole file (274 s on a 6.2 GB file), so it runs before start-up only up to a size.
/// </summary>
internal static class DatabaseFileCheck
{
    private static readonly byte[] Header = "SQLite format 3\0"u8.ToArray();

    /// <summary>
    /// Throws <see cref="DatabaseRefusedException"/> when the file exists and is not a sound SQLite database. Runs
    /// quick_check too when <paramref name="quickCheck"/> and the file is at most <paramref name="quickCheckMaxBytes"/>;
    /// returns true when quick_check was wanted but left out for the file's size (the caller runs it later).
    /// </summary>
    public static bool Check(SqliteConnectionFactory connections, bool quickCheck, long quickCheckMaxBytes)
    {
        var path = connections.DataSource;
        if (path is "" or ":memory:" || !File.Exists(path))
        {
            return false;
        }
        var full = Path.GetFullPath(path);
        var length = CheckHeader(full);
        var now = quickCheck && length <= quickCheckMaxBytes;
        CheckPages(full, now ? "PRAGMA quick_check(5);" : "SELECT count(*) FROM sqlite_schema;", now);
        return quickCheck && !now;
    }

    /// <summary>The database file ConnectionStrings:Dashboard names, as the dashboard would open it.</summary>
    public static string ConfiguredPath(IConfiguration configuration) =>
        Path.GetFullPath(new SqliteConnectionFactory(configuration, Microsoft.Extensions.Options.Options.Create(new StorageOptions())).DataSource);

    /// <summary>The whole-file quick_check on its own connection; null when sound, else the refusal message.</summary>
    public static string? QuickCheck(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            CheckHeader(full);
            CheckPages(full, "PRAGMA quick_check(5);", quickCheck: true);
            return null;
        }
        catch (DatabaseRefusedException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Header and size checks from the first 100 bytes (no page is read); returns the file's length.</summary>
    private static long CheckHeader(string full)
    {
        var length = new FileInfo(full).Length;
        if (length == 0)
        {
            throw Refuse(full, "is empty (0 bytes). It is not replaced with a new database, in case it was meant to hold data",
                "restore it from a backup, or delete the empty file to start with an empty database");
        }
        Span<byte> head = stackalloc byte[100];
        int read;
        using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        if (read < 100 || !head[..16].SequenceEqual(Header))
        {
            throw Refuse(full, $"is not a SQLite database (its {length} bytes do not start with the SQLite header: overwritten or not a database file)",
                Remedy(full));
        }
        // The header's page count is valid when its change counter (offset 24) equals "version valid for" (offset 92).
        // A checkpoint interrupted by a crash may have grown the count before the file; the WAL then still holds the
        // pages and is replayed on open, so the size is compared only when no WAL is left beside the file.
        long pageSize = BinaryPrimitives.ReadUInt16BigEndian(head[16..]);
        pageSize = pageSize == 1 ? 65_536 : pageSize;
        var pages = BinaryPrimitives.ReadUInt32BigEndian(head[28..]);
        var valid = BinaryPrimitives.ReadUInt32BigEndian(head[24..]) == BinaryPrimitives.ReadUInt32BigEndian(head[92..]);
        var wal = new FileInfo(full + "-wal");
        if (valid && pages > 0 && (!wal.Exists || wal.Length == 0) && length < pages * pageSize)
        {
            throw Refuse(full, $"is damaged (truncated: its header counts {pages} pages of {pageSize} bytes, {pages * pageSize} bytes, but the file holds {length})",
                Remedy(full));
        }
        return length;
    }

    private static void CheckPages(string full, string sql, bool quickCheck)
    {
        string result;
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = full, Mode = SqliteOpenMode.ReadWrite, Pooling = false,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            // quick_check reads every page (O(N)) but skips the index-content cross-check of integrity_check; it
            // catches truncation and torn or overwritten pages. Counting sqlite_schema reads the schema's pages only.
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read())
            {
                lines.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }
            result = quickCheck ? string.Join("; ", lines) : "ok";
        }
        catch (SqliteException ex)
        {
            throw Refuse(full, $"cannot be read as a database ({ex.Message.TrimEnd('.')})", Remedy(full));
        }
        if (result != "ok")
        {
            throw Refuse(full, $"is damaged (PRAGMA quick_check: {Shorten(result)})", Remedy(full));
        }
    }

    private static string Remedy(string full) =>
        $"restore a backup to that path, or move the file (with any {Path.GetFileName(full)}-wal and -shm beside it) away to start with an empty database";

    private static DatabaseRefusedException Refuse(string full, string problem, string remedy) =>
        new($"The database file {full} {problem}. The dashboard will not start on it: {remedy}.");

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
