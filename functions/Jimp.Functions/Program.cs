using Jimp.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// Everything is in JimpFunctionsApp.Configure, so the worker tests build exactly this host (tests/Jimp.Tests/Platform/WorkerTests.cs).
JimpFunctionsApp.Configure(FunctionsApplication.CreateBuilder(args)).Build().Run();
