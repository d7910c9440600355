using System.Collections.Concurrent;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.IntegrationTests.Export;

/// <summary>Exports stream: headers and first bytes leave before the export is done, and a dropped download stops the work.</summary>
public sealed class ExportStreamingTests
{
    [Theory]
    [InlineData("json", "{\"big\":[{\"timestamp\":")]
    [InlineData("csv-long", "metric_name,timestamp,value,model_name,blob\r\nbig,")]
    public async Task GetExport_ClientDropsDownload_ServerStopsExporting(string format, string start)
    {
        var logs = new LogCapture();
        await using var factory = new DashboardFactory(services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var http = factory.CreateHttpClient();
        var blob = new string('x', 4000);
        for (var batch = 0; batch < 6; batch++)
        {
            var events = Enumerable.Range(0, 1000).Select(i => (object)new
            {
                type = "metric", name = "big", value = i, timestamp = 1_767_600_000 + batch * 1000 + i, metadata = new { blob },
            }).ToArray();
            using var posted = await Json.PostIngestAsync(http, "big-run", events);
            posted.EnsureSuccessStatusCode();
        }

        using (var response = await http.GetAsync($"/api/v1/runs/big-run/export?format={format}", HttpCompletionOption.ResponseHeadersRead))
        {
            response.EnsureSuccessStatusCode();
            response.Headers.GetValues("X-Export-Points").Should().Equal("6000");
            await using var body = await response.Content.ReadAsStreamAsync();
            var first = new byte[1024];
            await body.ReadExactlyAsync(first);
            System.Text.Encoding.UTF8.GetString(first).Should().StartWith(start);
        }

        await WaitFor.ConditionAsync(() => logs.Messages.Any(m => m.Contains("cancelled by the client", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), because: "the export must notice the dropped download and stop");
        logs.Messages.Should().NotContain(m => m.Contains("failed", StringComparison.Ordinal));
    }

    private sealed class LogCapture : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => categoryName.Contains("Export", StringComparison.Ordinal) ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
