using ConformanceReport;

// Regenerates docs/conformance.md from the UTS specs, the conformance test assembly and a TRX file of its run.
// Run through scripts/conformance-report.sh, which builds, runs the tests and passes these paths.
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i]] = args[i + 1];
}

string Required(string name) => options.TryGetValue(name, out var value)
    ? value
    : throw new ArgumentException($"missing {name} (usage: --uts <dir> --assembly <dll> --trx <file> --removed <file> --out <md> [--spec-commit <sha>])");

var specs = UtsSpecs.Read(Required("--uts"));
var cases = TestResults.Read(Required("--assembly"), Required("--trx"));
var removed = File.ReadAllLines(Required("--removed")).Select(l => l.Trim()).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal);
var report = new ReportWriter(specs, cases, removed, options.GetValueOrDefault("--spec-commit"), options.GetValueOrDefault("--duration"));
File.WriteAllText(Required("--out"), report.Write());
Console.WriteLine(report.Summary);
return report.CitesRemovedClauses ? 1 : 0;
