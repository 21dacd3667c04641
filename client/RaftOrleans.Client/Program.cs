using RaftOrleans.Client.Cli;

return await new ClientCommandLine().RunAsync(args);
