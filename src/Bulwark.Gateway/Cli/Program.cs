using Bulwark.Gateway.Cli;

return await GatewayCli.InvokeAsync(args).ConfigureAwait(false);
