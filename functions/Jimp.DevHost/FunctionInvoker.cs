using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.DevHost;

/// <summary>Creates a function's class from DI (as the worker does) and calls the method with bound arguments.</summary>
internal static class FunctionInvoker
{
    public delegate bool Binder(ParameterInfo parameter, out object? value);

    public static async Task<object?> InvokeAsync(FunctionDescriptor function, IServiceProvider services, Binder bind)
    {
        var instance = function.Method.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(services, function.Type);
        var parameters = function.Method.GetParameters();
        var args = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (bind(p, out var value))
            {
                args[i] = value;
            }
            else if (services.GetService(p.ParameterType) is { } service)
            {
                args[i] = service;
            }
            else if (p.HasDefaultValue)
            {
                args[i] = p.DefaultValue;
            }
            else
            {
                throw new InvalidOperationException($"The DevHost cannot bind parameter '{p.Name}' of {function.Name}.");
            }
        }
        var result = function.Method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
        return await AwaitResultAsync(result);
    }

    public static async Task<object?> AwaitResultAsync(object? result)
    {
        switch (result)
        {
            case Task task:
                await task;
                var type = task.GetType();
                return type.IsGenericType && type.GetGenericArguments()[0].Name != "VoidTaskResult"
                    ? type.GetProperty(nameof(Task<object>.Result))!.GetValue(task)
                    : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            case { } other when other.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ValueTask<>):
                var asTask = (Task)t.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(other, null)!;
                return await AwaitResultAsync(asTask);
            default:
                return result;
        }
    }
}
