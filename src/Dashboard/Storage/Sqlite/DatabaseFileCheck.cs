using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>The database file cannot be used; the message names the file and what the operator can do.</summary>
public sealed class DatabaseRefusedException(string message) : Exception(message);

/// <summary>
/// Looks at an existing database file before anything writes to it. SQLite would otherwise treat a zero-byte file as
/// a new empty database (silently replacing what the operator thought was there), abort start-up deep in a PRAGMA
/// for a truncated or overwritten file, and start "healthy" on corrupt middle pages only to fail ingest later.
/// </summary>
internal static class DatabaseFileCheck
{
    private static readonly byte[] Header = "SQLite format 3\0"u8.ToArray();

    /// <summary>Throws <see cref="DatabaseRefusedException"/> when the file exists and is not a sound SQLite database.</summary>
    public static void Check(SqliteConnectionFactory connections, bool quickCheck)
    {
        var path = connections.DataSource;
        if (path is "" or ":memory:" || !File.Exists(path))
        {
            return;
        }
        var full = Path.GetFullPath(path);
        var length = new FileInfo(full).Length;
        if (length == 0)
        {
            throw Refuse(full, "is empty (0 bytes). It is not replaced with a new database, in case it was meant to hold data",
                "restore it from a backup, or delete the empty file to start with an empty database");
        }
        if (length < 100 || !HasHeader(full))
        {
            throw Refuse(full, $"is not a SQLite database (its {length} bytes do not start with the SQLite header: overwritten or not a database file)",
                Remedy(full));
        }
        string result;
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = full, Mode = SqliteOpenMode.ReadWrite, Pooling = false,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            // quick_check reads every page (O(N), about a second per GB) but skips the index-content cross-check of
            // integrity_check; it catches truncation and torn or overwritten pages.
            command.CommandText = quickCheck ? "PRAGMA quick_check(5);" : "PRAGMA schema_version;";
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

    private static bool HasHeader(string path)
    {
        Span<byte> head = stackalloc byte[16];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(Header);
    }

    private static string Remedy(string full) =>
        $"restore a backup to that path, or move the file (with any {Path.GetFileName(full)}-wal and -shm beside it) away to start with an empty database";

    private static DatabaseRefusedException Refuse(string full, string problem, string remedy) =>
        new($"The database file {full} {problem}. The dashboard will not start on it: {remedy}.");

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
