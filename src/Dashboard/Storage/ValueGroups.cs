using System.Data.Common;

namespace Dashboard.Storage;

/// <summary>Groups rows of (run name, value), ordered by run, into one call per run; shared by both providers' readers.</summary>
internal static class ValueGroups
{
    public static void Visit(DbDataReader r, Action<string, List<double>> onRun)
    {
        string? run = null;
        var values = new List<double>();
        while (true)
        {
            var more = r.Read();
            var name = more ? r.GetString(0) : null;
            if (run is not null && name != run)
            {
                onRun(run, values);
                values.Clear();
            }
            if (!more)
            {
                break;
            }
            run = name;
            values.Add(r.GetDouble(1));
        }
    }
}
