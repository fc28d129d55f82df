#!/usr/bin/env python3
"""Summarizes a dotnet-trace `dotnet-sampled-thread-time` trace converted to speedscope JSON.

Thread-time sampling records every thread, blocked or not. This script drops time whose leaf frame is a wait
(blocked or parked threads) and reports, over the remaining on-CPU time: the share spent under frames of each
assembly/area (inclusive, each frame counted once per stack), and the top frames by inclusive and exclusive time,
optionally restricted to a substring (e.g. 'Reliably.Rx!').

usage: speedscope-summary.py trace.speedscope.json [filter-substring] [top-n] [callers-of-substring]
"""
import json
import sys
from collections import defaultdict

IDLE = ('WaitNative', 'ThreadNative.Sleep', 'WaitForSingleObject', 'LowLevelMonitor', 'Thread.Sleep(', 'Monitor.Wait', 'WaitOneNoCheck', 'WaitOneCore', 'Interop+Sys.Read(', 'Thread.Sleep',
        'epoll_wait', 'Interop+Sys.WaitForSocketEvents', 'LowLevelLifoSemaphore.Wait', 'Interop+Sys.Poll',
        'WaitHandle.WaitMultiple', 'Thread.Join', 'SleepInternal', 'Missing Symbol')
SPIN = ('LowLevelSpinWaiter', 'SpinWait.SpinOnce', 'Thread.SpinWait', 'SpinOnceCore')


def area(name):
    module = name.split('!', 1)[0] if '!' in name else ''
    if module == 'Reliably.Rx':
        return 'Reliably.Rx (client library)'
    if module == 'Reliably.Rx.Emulator':
        return 'Reliably.Rx.Emulator'
    if module == 'Reliably.Rx.Benchmarks':
        return 'harness'
    if module in ('Newtonsoft.Json', 'MessagePack'):
        return module
    if module == 'Websocket.Client':
        return 'Websocket.Client'
    if module.startswith('System.Reactive'):
        return 'System.Reactive'
    if module.startswith('Microsoft.AspNetCore'):
        return 'ASP.NET Core (emulator host)'
    return None


def main():
    path = sys.argv[1]
    flt = sys.argv[2] if len(sys.argv) > 2 else None
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    callers_of = sys.argv[4] if len(sys.argv) > 4 else None
    callers = defaultdict(float)
    doc = json.load(open(path))
    frames = [f['name'] for f in doc['shared']['frames']]
    incl = defaultdict(float)
    excl = defaultdict(float)
    areas = defaultdict(float)
    busy = spin = idle = 0.0
    for profile in doc['profiles']:
        stack = []
        last = None
        for ev in profile['events']:
            at = ev['at']
            if last is not None and stack and at > last:
                dt = at - last
                # The converter ends every sampled stack with a pseudo frame: CPU_TIME (managed code running) or
                # UNMANAGED_CODE_TIME (native: a blocking wait, or real native work such as a socket send).
                real = [i for i in stack if frames[i] not in ('CPU_TIME', 'UNMANAGED_CODE_TIME')]
                leaf = frames[real[-1]] if real else frames[stack[-1]]
                native = frames[stack[-1]] == 'UNMANAGED_CODE_TIME'
                if not real:
                    idle += dt
                elif native and any(k in leaf for k in IDLE):
                    idle += dt
                elif any(k in leaf for k in SPIN):
                    spin += dt
                else:
                    busy += dt
                    excl[leaf] += dt
                    if callers_of:
                        names = [frames[i] for i in real]
                        hits = [k for k, n in enumerate(names) if callers_of in n]
                        if hits:
                            # the nearest non-framework caller of the frame
                            for n in reversed(names[:hits[0]]):
                                if n.startswith(('Reliably.', 'Websocket.', 'System.Reactive', 'Microsoft.AspNetCore')):
                                    callers[n] += dt
                                    break
                    seen = set()
                    seen_areas = set()
                    for i in real:
                        n = frames[i]
                        if n not in seen:
                            seen.add(n)
                            incl[n] += dt
                        a = area(n)
                        if a and a not in seen_areas:
                            seen_areas.add(a)
                            areas[a] += dt
            last = at
            if ev['type'] == 'O':
                stack.append(ev['frame'])
            elif stack:
                stack.pop()
    total = busy + spin
    print(f'on-CPU (non-wait) time: {busy:.0f} ms; thread-pool spinning: {spin:.0f} ms; blocked/idle: {idle:.0f} ms')
    print('\nshare of on-CPU time under each area (inclusive, areas overlap):')
    for a, v in sorted(areas.items(), key=lambda kv: -kv[1]):
        print(f'  {100 * v / busy:5.1f}%  {a}')
    if callers_of:
        print(f"\nnearest library callers of '{callers_of}':")
        for n, v in sorted(callers.items(), key=lambda kv: -kv[1])[:top]:
            print(f'  {100 * v / busy:5.1f}%  {n[:150]}')
    for title, table in (('inclusive', incl), ('exclusive', excl)):
        print(f'\ntop {top} frames by {title} on-CPU time' + (f" matching '{flt}'" if flt else '') + ':')
        rows = [(n, v) for n, v in table.items() if not flt or flt in n]
        for n, v in sorted(rows, key=lambda kv: -kv[1])[:top]:
            print(f'  {100 * v / busy:5.1f}%  {n[:150]}')


if __name__ == '__main__':
    try:
        main()
    except BrokenPipeError:
        pass
