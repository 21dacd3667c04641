using RaftOrleans.Silo.Cli;

return await new SiloCommandLine().RunAsync(args);
