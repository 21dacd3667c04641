using RaftOrleans.Bench.Cli;

return await new BenchCommandLine().RunAsync(args);
