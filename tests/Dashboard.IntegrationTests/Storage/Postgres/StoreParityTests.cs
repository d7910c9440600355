using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Storage;
using Dashboard.Storage.Ef;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Dashboard.IntegrationTests.Storage.Postgres;

/// <summary>Keys, sessions, webhook status, alerts, silences and settings: the same writes on both providers read back the same.</summary>
public sealed class StoreParityTests : IDisposable
{
    private readonly ProviderPair _pair = TestPostgres.Server is null ? null! : new ProviderPair();

    public void Dispose() => _pair?.Dispose();

    private (T Sqlite, T Postgres) Both<T>(Func<SqliteConnectionFactory, T> sqlite, Func<Npgsql.NpgsqlDataSource, T> postgres) =>
        (sqlite(_pair.Sqlite), postgres(_pair.Postgres));

    /// <summary>EF Core contexts on each provider, as the host registers them.</summary>
    private (IDbContextFactory<DashboardDbContext> Sqlite, IDbContextFactory<DashboardDbContext> Postgres) Contexts() =>
        (new PooledDbContextFactory<DashboardDbContext>(new DbContextOptionsBuilder<DashboardDbContext>().UseSqlite(_pair.Sqlite.ConnectionString).Options),
         new PooledDbContextFactory<DashboardDbContext>(new DbContextOptionsBuilder<DashboardDbContext>().UseNpgsql(_pair.Postgres).Options));

    [PostgresFact]
    public void KeyStore_AddRevokeTwiceAndList_SameRows()
    {
        var stores = Both<IKeyStore>(c => new SqliteKeyStore(c), d => new PostgresKeyStore(d));
        foreach (var store in new[] { stores.Sqlite, stores.Postgres })
        {
            var a = store.AddKey("ingest one", "ingest", "key", [1, 2, 3], "dk_abc…", 1_000);
            var b = store.AddKey("browser", "admin", "browser", [4, 5, 6], "dk_def…", 2_000);
            store.RevokeKey(a, 3_000);
            store.RevokeKey(a, 9_000);
            b.Should().BeGreaterThan(a);
        }

        var expected = stores.Sqlite.GetKeys();
        var actual = stores.Postgres.GetKeys();

        actual.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
        actual[0].RevokedAt.Should().Be(3_000, "a second revocation keeps the first time");
        actual[1].RevokedAt.Should().BeNull();
        actual[1].Hash.Should().Equal(4, 5, 6);
    }

    [PostgresFact]
    public void SessionStore_AddRenewExpireAndEnd_SameAnswers()
    {
        var stores = Both<ISessionStore>(c => new SqliteKeyStore(c), d => new PostgresKeyStore(d));
        var answers = new List<object?>[2];
        var i = 0;
        foreach (var store in new[] { stores.Sqlite, stores.Postgres })
        {
            var seen = answers[i++] = [];
            store.AddSession("s1", "db:1", [1], expiresAt: 100, now: 10);
            store.AddSession("s2", "db:1", [2], expiresAt: 200, now: 20);
            store.AddSession("s3", "db:2", [3], expiresAt: 300, now: 30);
            seen.Add(store.GetSession("s1", now: 50));
            seen.Add(store.GetSession("s1", now: 101));
            seen.Add(store.RenewSession("s1", [9], expiresAt: 500));
            seen.Add(store.GetSession("s1", now: 400));
            seen.Add(store.RenewSession("missing", [9], expiresAt: 500));
            // A new session purges the ones expired before its time: s2 (200) goes at 250, s3 (300) stays.
            store.AddSession("s4", "db:2", [4], expiresAt: 900, now: 250);
            seen.Add(store.GetSession("s2", now: 0));
            seen.Add(store.DeleteSessionsOfKey("db:2").Order(StringComparer.Ordinal).ToList());
            seen.Add(store.DeleteSession("s1").ToList());
            seen.Add(store.DeleteSession("s1").ToList());
            seen.Add(store.GetSession("s3", now: 0));
        }

        answers[1].Should().BeEquivalentTo(answers[0], o => o.WithStrictOrdering());
        answers[1][0].Should().BeEquivalentTo(new byte[] { 1 });
        answers[1][1].Should().BeNull("an expired session is not read");
        answers[1][3].Should().BeEquivalentTo(new byte[] { 9 });
        answers[1][4].Should().Be(false);
        answers[1][5].Should().BeNull("purged when s4 was stored");
        answers[1][6].Should().BeEquivalentTo(new[] { "s3", "s4" });
    }

    [PostgresFact]
    public void WebhookStatusStore_InsertThenUpdate_SameRows()
    {
        var stores = Both<IWebhookStatusStore>(c => new SqliteWebhookStatusStore(c), d => new PostgresWebhookStatusStore(d));
        foreach (var store in new[] { stores.Sqlite, stores.Postgres })
        {
            store.Save(new WebhookStatusRow("http://a/hook", true, 10, null, null, 1, 0));
            store.Save(new WebhookStatusRow("http://b/hook", false, 20, "timeout", 20, 0, 1));
            store.Save(new WebhookStatusRow("http://a/hook", false, 30, "HTTP 500", 30, 1, 1));
        }

        var expected = stores.Sqlite.GetAll().OrderBy(r => r.Url, StringComparer.Ordinal).ToList();
        var actual = stores.Postgres.GetAll().OrderBy(r => r.Url, StringComparer.Ordinal).ToList();

        actual.Should().Equal(expected);
        actual[0].Should().Be(new WebhookStatusRow("http://a/hook", false, 30, "HTTP 500", 30, 1, 1));
    }

    [PostgresFact]
    public async Task AlertStore_EditCapAndFilter_SameRows()
    {
        var (sqliteContexts, postgresContexts) = Contexts();
        var results = new List<object>[2];
        var i = 0;
        foreach (IAlertStore store in new[] { new EfAlertStore(sqliteContexts), new EfAlertStore(postgresContexts) })
        {
            var seen = results[i++] = [];
            for (var n = 0; n < 4; n++)
            {
                await store.EditAlertsAsync(["pending", "firing"], "external", maxPerRun: 3, (active, edits) =>
                {
                    // Resolve what fired before, then fire a new one: four rounds leave 4 alerts, the cap keeps 3.
                    foreach (var a in active)
                    {
                        a.State = "resolved";
                        a.ResolvedAt = n;
                    }
                    edits.Add(Alert("high_error_rate", "run-a", "firing", n));
                    return 0;
                });
            }
            await store.AddAlertAsync(Alert("external_ci", "run-b", "firing", 7), maxPerRun: 3);
            await store.EditAlertsAsync(["pending", "firing"], "external", 3, (active, edits) =>
            {
                seen.Add(active.Select(a => (a.Rule, a.Run)).ToList());
                edits.Add(Alert("low_success_rate", null, "pending", 8));
                return 0;
            });
            await store.EditAlertsAsync(["pending"], "external", 3, (active, edits) =>
            {
                edits.Remove(active.Single());
                return 0;
            });
            var acked = await store.EditAlertAsync((await store.GetAlertsAsync(new AlertFilter(Run: "run-b"), 10)).Single().Id, a =>
            {
                a.AcknowledgedBy = "me";
                return true;
            });
            seen.Add(acked!.AcknowledgedBy!);
            seen.Add((await store.EditAlertAsync(99_999, _ => true)) is null);
            seen.Add(Shape(await store.GetAlertsAsync(new AlertFilter(), 100)));
            seen.Add(Shape(await store.GetAlertsAsync(new AlertFilter(Rule: "high_error_rate", State: "resolved"), 100)));
            seen.Add(Shape(await store.GetAlertsAsync(new AlertFilter(Severity: "warning"), 2)));
            var (firing, total) = await store.GetAlertsInStatesAsync(["firing"], 1);
            seen.Add(Shape(firing));
            seen.Add(total);
        }

        results[1].Should().BeEquivalentTo(results[0], o => o.WithStrictOrdering());
        ((List<(string, string?, string, long)>)results[1][3]).Should().HaveCount(4, "3 of run-a after the cap, 1 of run-b");
        results[1][^1].Should().Be(2);
    }

    [PostgresFact]
    public async Task SilencesAndSettings_SameWrites_SameAnswers()
    {
        var (sqliteContexts, postgresContexts) = Contexts();
        var results = new List<object?>[2];
        var i = 0;
        foreach (var store in new[] { new EfSilenceStore(sqliteContexts), new EfSilenceStore(postgresContexts) })
        {
            var seen = results[i++] = [];
            seen.Add(await store.GetSettingsDocumentAsync());
            await store.SaveSettingsDocumentAsync("""{"a":1}""", 10);
            await store.SaveSettingsDocumentAsync("""{"a":2}""", 20);
            seen.Add(await store.GetSettingsDocumentAsync());
            await store.AddSilenceAsync(Silence("r1", null, 0, 100));
            await store.AddSilenceAsync(Silence(null, "run-x", 50, 200));
            await store.AddSilenceAsync(Silence(null, null, 300, 400));
            seen.Add((await store.GetActiveSilencesAsync(60)).Select(s => (s.Rule, s.Run, s.StartsAt, s.EndsAt)).ToList());
            foreach (var filter in Enum.GetValues<SilenceFilter>())
            {
                seen.Add((await store.GetSilencesAsync(filter, 150, 10)).Select(s => (s.Rule, s.Run, s.StartsAt, s.EndsAt)).ToList());
            }
            var ended = await store.ExpireSilenceAsync((await store.GetSilencesAsync(SilenceFilter.Pending, 150, 10)).Single().Id, 160);
            seen.Add((ended!.StartsAt, ended.EndsAt));
            seen.Add(await store.ExpireSilenceAsync(99_999, 160));
        }

        results[1].Should().BeEquivalentTo(results[0], o => o.WithStrictOrdering());
        results[1][0].Should().BeNull();
        results[1][1].Should().Be("""{"a":2}""");
        results[1][^2].Should().Be((160L, 160L), "a pending silence ended now never starts");
    }

    private static List<(string, string?, string, long)> Shape(IEnumerable<AlertEntity> alerts) =>
        alerts.Select(a => (a.Rule, a.Run, a.State, a.StartedAt)).ToList();

    private static AlertEntity Alert(string rule, string? run, string state, long at) => new()
    {
        Rule = rule, Run = run, Severity = "warning", State = state, Message = $"{rule} at {at}", Value = at, Threshold = 1,
        StartedAt = at, UpdatedAt = at, LastHeldAt = at,
    };

    private static SilenceEntity Silence(string? rule, string? run, long from, long to) => new()
    {
        Rule = rule, Run = run, StartsAt = from, EndsAt = to, Reason = "maintenance", CreatedBy = "test", CreatedAt = from,
    };
}
