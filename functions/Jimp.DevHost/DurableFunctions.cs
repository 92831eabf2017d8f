using System.Reflection;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Testing;

namespace Jimp.DevHost;

/// <summary>
/// Registers the app's orchestrators and activities, by their function names, with the Durable Task SDK's
/// in-process engine. Activities are created from the app's DI container, as in Azure.
/// </summary>
internal static class DurableFunctions
{
    public static IServiceCollection AddDurableFunctions(this IServiceCollection services, IEnumerable<FunctionDescriptor> functions)
    {
        var list = functions.ToList();
        // The engine's own default picks a random port in 30000-40000 without checking it is free, which
        // collides with ephemeral ports on a busy machine: ask the OS for a free one instead.
        services.AddInMemoryDurableTask(registry =>
        {
            foreach (var orchestrator in list.Where(f => f.Kind == TriggerKind.Orchestration))
            {
                if (!orchestrator.Method.IsStatic)
                {
                    throw new InvalidOperationException($"Orchestrator {orchestrator.Name} must be static: orchestrators are deterministic and take no services.");
                }
                registry.AddOrchestrator(orchestrator.Name, () => new ReflectedOrchestrator(orchestrator));
            }
            foreach (var activity in list.Where(f => f.Kind == TriggerKind.Activity))
            {
                registry.AddActivity(activity.Name, sp => new ReflectedActivity(activity, sp));
            }
        }, new InMemoryDurableTaskOptions { Port = FreePort() });
        return services;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The input parameter: the activity trigger, or an orchestrator's first parameter without binding attributes.</summary>
    private static ParameterInfo? InputParameter(FunctionDescriptor function) =>
        function.Kind == TriggerKind.Activity
            ? function.Trigger
            : function.Method.GetParameters().FirstOrDefault(p => p != function.Trigger && !p.GetCustomAttributes().Any() && p.ParameterType != typeof(CancellationToken));

    private static Type OutputType(MethodInfo method)
    {
        var t = method.ReturnType;
        if (t == typeof(Task) || t == typeof(void) || t == typeof(ValueTask)) return typeof(object);
        return t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(Task<>) || t.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? t.GetGenericArguments()[0]
            : t;
    }

    private sealed class ReflectedOrchestrator(FunctionDescriptor function) : ITaskOrchestrator
    {
        private readonly ParameterInfo? input = InputParameter(function);

        public Type InputType => input?.ParameterType ?? typeof(object);

        public Type OutputType => DurableFunctions.OutputType(function.Method);

        public async Task<object?> RunAsync(TaskOrchestrationContext context, object? value)
        {
            var parameters = function.Method.GetParameters();
            var args = parameters.Select(p => p == function.Trigger ? context : p == input ? value : p.HasDefaultValue ? p.DefaultValue : null).ToArray();
            // Orchestrators are static and deterministic: no DI, no FunctionContext.
            var result = function.Method.Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
            return await FunctionInvoker.AwaitResultAsync(result);
        }
    }

    private sealed class ReflectedActivity(FunctionDescriptor function, IServiceProvider services) : ITaskActivity
    {
        public Type InputType => function.Trigger.ParameterType;

        public Type OutputType => DurableFunctions.OutputType(function.Method);

        public async Task<object?> RunAsync(TaskActivityContext context, object? input)
        {
            // Tests sharing the host: the activity works under the storage prefix of the request that scheduled it.
            if (services.GetService<ScopedStoragePrefix>()?.ForInstance(context.InstanceId) is { } prefix)
            {
                ScopedStoragePrefix.Use(prefix);
            }
            await using var scope = services.CreateAsyncScope();
            return await FunctionInvoker.InvokeAsync(function, scope.ServiceProvider, (ParameterInfo p, out object? value) =>
            {
                value = null;
                if (p == function.Trigger) value = input;
                else if (p.ParameterType == typeof(TaskActivityContext)) value = context;
                else if (p.ParameterType == typeof(CancellationToken)) value = CancellationToken.None;
                else return false;
                return true;
            });
        }
    }
}
