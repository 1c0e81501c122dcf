using BenchmarkDotNet.Running;

// This assembly, not typeof(Program): the gateway project it references has a Program too.
BenchmarkSwitcher.FromAssembly(System.Reflection.Assembly.GetExecutingAssembly()).Run(args);
