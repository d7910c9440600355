using Dashboard.Demo;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;

namespace Dashboard.Hosting;

public static class DashboardHost
{
    /// <summary>
    /// The builder with the repo's appsettings.json beside the binary as content root. The
    /// <c>--demo</c> switch is taken out of the arguments here: the command-line configuration
    /// provider would otherwise read the next argument as its value.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var demo = args.Contains("--demo");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args.Where(a => a != "--demo").ToArray(),
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (demo)
        {
            builder.Configuration.AddInMemoryCollection([new($"{DemoOptions.Section}:Enabled", "true")]);
        }
        return builder;
    }

    public static WebApplicationBuilder AddDemo(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);
        if (builder.Configuration.GetValue<bool>($"{DemoOptions.Section}:Enabled"))
        {
            builder.Services.AddHostedService<DemoGenerator>();
        }
        return builder;
    }

    /// <summary>
    /// Creates or upgrades the schema before anything reads or writes. False (after printing why, without a stack
    /// trace) when the database file is damaged or empty: the caller ends the process with a non-zero code.
    /// </summary>
    public static bool MigrateDatabase(this WebApplication app)
    {
        try
        {
            if (app.Services.GetService<Storage.Postgres.PostgresSchemaMigrator>() is { } postgres)
            {
                postgres.Migrate();
            }
            else
            {
                app.Services.GetRequiredService<SchemaMigrator>().Migrate();
            }
            return true;
        }
        catch (DatabaseRefusedException ex)
        {
            // stderr rather than the logger: the message must reach the operator whatever the log levels say.
            Console.Error.WriteLine(ex.Message);
            return false;
        }
    }
}
