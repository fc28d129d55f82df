namespace Reliably.Rx.Samples.Shared;

/// <summary>Readable console output for the samples.</summary>
public static class Say
{
    private static readonly object Gate = new();

    public static void Title(string title)
    {
        lock (Gate)
        {
            Console.WriteLine();
            Console.ForegroundColor = ConsoleColor.Cyan;
            Console.WriteLine("== " + title);
            Console.ResetColor();
        }
    }

    public static void Line(string text)
    {
        lock (Gate)
        {
            Console.WriteLine("   " + text);
        }
    }

    public static void Progress(string what, int done, int total)
    {
        lock (Gate)
        {
            Console.WriteLine($"   {what}: {done}/{total}");
        }
    }

    public static void Ok(string text)
    {
        lock (Gate)
        {
            Console.ForegroundColor = ConsoleColor.Green;
            Console.WriteLine("   ✔ " + text);
            Console.ResetColor();
        }
    }

    public static void Warn(string text)
    {
        lock (Gate)
        {
            Console.ForegroundColor = ConsoleColor.Yellow;
            Console.WriteLine("   ! " + text);
            Console.ResetColor();
        }
    }
}
