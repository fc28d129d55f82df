if (args.Length > 0 && args[0] == "virtual-time")
{
    await Reliably.Rx.Samples.VirtualTime.VirtualTimeSample.RunAsync();
}

return 0;
