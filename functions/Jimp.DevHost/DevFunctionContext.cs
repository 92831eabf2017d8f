using Microsoft.Azure.Functions.Worker;

namespace Jimp.DevHost;

/// <summary>The little of a FunctionContext a JIMP function may use locally: ids, services, items, cancellation.</summary>
internal sealed class DevFunctionContext(FunctionDescriptor function, IServiceProvider services, CancellationToken cancellationToken) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString("N");

    public override string FunctionId => function.Name;

    public override TraceContext TraceContext => throw new NotSupportedException("TraceContext is not available in the DevHost.");

    public override BindingContext BindingContext => throw new NotSupportedException("BindingContext is not available in the DevHost.");

    public override RetryContext RetryContext => throw new NotSupportedException("RetryContext is not available in the DevHost.");

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException("FunctionDefinition is not available in the DevHost.");

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException("Features are not available in the DevHost.");

    public override CancellationToken CancellationToken { get; } = cancellationToken;
}
