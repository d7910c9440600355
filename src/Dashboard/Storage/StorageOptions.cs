using Microsoft.Extensions.Options;

namespace Dashboard.Storage;

/// <summary>Where and how metric data is kept (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>Sqlite</c> (default) or <c>PostgreSQL</c> (with a PostgreSQL ConnectionStrings:Dashboard; README "PostgreSQL").</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>
    /// SQLite's synchronous mode. <c>Normal</c> (default, with WAL): a commit survives a process crash but
    /// may roll back on power loss. <c>Full</c>: a commit also survives power loss, at some write speed.
    /// </summary>
    public string Synchronous { get; set; } = "Normal";

    /// <summary>Delete points and runs older than this many days; 0 keeps everything.</summary>
    public int RetentionDays { get; set; }

    /// <summary>Minutes between two retention sweeps (when RetentionDays is above 0). Default 60.</summary>
    public int RetentionSweepMinutes { get; set; } = 60;

    /// <summary>
    /// Largest the database file may grow, in megabytes; 0 (default) means no cap. Past it, ingest answers 503
    /// as for a full disk, and takes writes again once retention or a deleted run frees space, without a restart.
    /// </summary>
    public int MaxDatabaseMegabytes { get; set; }

    /// <summary>How long a statement waits for a lock held by another connection, in milliseconds.</summary>
    public int BusyTimeoutMilliseconds { get; set; } = 5_000;

    /// <summary>
    /// Run <c>PRAGMA quick_check</c> (reads every page) on an existing file (default true): before start-up for files up
    /// to <see cref="QuickCheckMaxMegabytes"/>, refusing a damaged one; after start-up, in the background, for larger ones.
    /// </summary>
    public bool QuickCheckOnStart { get; set; } = true;

    /// <summary>
    /// Largest file, in megabytes, whose quick_check runs before start-up (default 512); larger files start after the
    /// cheap checks and are checked in the background (a damaged one turns /healthz unhealthy).
    /// </summary>
    public int QuickCheckMaxMegabytes { get; set; } = 512;
}

/// <summary>Checks every <see cref="StorageOptions"/> key and the connection string at start-up.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (!string.Equals(options.Provider, "Sqlite", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Provider, "PostgreSQL", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Storage:Provider must be Sqlite or PostgreSQL; got '{options.Provider}'.");
        }
        if (options.Synchronous is not ("Normal" or "Full" or "normal" or "full" or "NORMAL" or "FULL"))
        {
            failures.Add($"Storage:Synchronous must be Normal or Full; got '{options.Synchronous}'.");
        }
        if (options.RetentionDays is < 0 or > 36_500)
        {
            failures.Add("Storage:RetentionDays must be between 0 (keep everything) and 36500.");
        }
        if (options.RetentionSweepMinutes is < 1 or > 10_080)
        {
            failures.Add("Storage:RetentionSweepMinutes must be between 1 and 10080.");
        }
        if (options.MaxDatabaseMegabytes is < 0 or > 16_777_216)
        {
            failures.Add("Storage:MaxDatabaseMegabytes must be between 0 (no cap) and 16777216.");
        }
        if (options.QuickCheckMaxMegabytes is < 0 or > 16_777_216)
        {
            failures.Add("Storage:QuickCheckMaxMegabytes must be between 0 (every file checked in the background) and 16777216.");
        }
        if (options.BusyTimeoutMilliseconds is < 0 or > 600_000)
        {
            failures.Add("Storage:BusyTimeoutMilliseconds must be between 0 and 600000.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
