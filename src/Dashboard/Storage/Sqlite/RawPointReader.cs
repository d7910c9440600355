using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// Reads one metric's (ts, value[, model_name]) in time order straight from the covering
/// (run_id, metric_id, ts, value, model_name) index through a raw statement: no ADO.NET reader per row.
/// Points with equal timestamps come back in insertion (rowid) order, as ORDER BY ts, rowid would give.
/// </summary>
internal static class RawPointReader
{
    public static void Read(SqliteConnection c, long runId, long metricId, long from, long to, List<long> times, List<double> values,
        Action<string?, double>? model = null)
    {
        var db = c.Handle!;
        var sql = model is null
            ? "SELECT ts, rowid, value FROM points WHERE run_id = ?1 AND metric_id = ?2 AND ts >= ?3 AND ts <= ?4 ORDER BY ts"
            : "SELECT ts, rowid, value, model_name FROM points WHERE run_id = ?1 AND metric_id = ?2 AND ts >= ?3 AND ts <= ?4 ORDER BY ts";
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var stmt));
        using (stmt)
        {
            Check(db, raw.sqlite3_bind_int64(stmt, 1, runId));
            Check(db, raw.sqlite3_bind_int64(stmt, 2, metricId));
            Check(db, raw.sqlite3_bind_int64(stmt, 3, from));
            Check(db, raw.sqlite3_bind_int64(stmt, 4, to));
            var start = times.Count;
            var rowids = new List<long>();
            var ties = false;
            string? lastModel = null;
            byte[]? lastModelBytes = null;
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
                var ts = raw.sqlite3_column_int64(stmt, 0);
                var value = raw.sqlite3_column_double(stmt, 2);
                ties |= times.Count > start && times[^1] == ts;
                times.Add(ts);
                rowids.Add(raw.sqlite3_column_int64(stmt, 1));
                values.Add(value);
                if (model is not null)
                {
                    string? name = null;
                    if (raw.sqlite3_column_type(stmt, 3) != raw.SQLITE_NULL)
                    {
                        var bytes = raw.sqlite3_column_blob(stmt, 3);
                        if (lastModelBytes is null || !bytes.SequenceEqual(lastModelBytes))
                        {
                            lastModelBytes = bytes.ToArray();
                            lastModel = System.Text.Encoding.UTF8.GetString(bytes);
                        }
                        name = lastModel;
                    }
                    model(name, value);
                }
            }
            Check(db, rc == raw.SQLITE_DONE ? raw.SQLITE_OK : rc);
            if (ties)
            {
                SortTies(times, values, rowids, start);
            }
        }
    }

    /// <summary>
    /// The index orders equal timestamps by value; put each run of equal ts back in rowid order. Each run is sorted on
    /// its own (O(k log k)): a batch of events without timestamps shares one receive time, and the insertion sort this
    /// replaces was quadratic in such a run (seconds for a few hundred thousand points).
    /// </summary>
    private static void SortTies(List<long> times, List<double> values, List<long> rowids, int start)
    {
        var t = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(times);
        var v = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values);
        var ids = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rowids);
        var i = start;
        while (i < t.Length)
        {
            var j = i + 1;
            while (j < t.Length && t[j] == t[i])
            {
                j++;
            }
            if (j - i > 1)
            {
                ids.Slice(i - start, j - i).Sort(v.Slice(i, j - i));
            }
            i = j;
        }
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
        }
    }
}
