using System.Text;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Workspace;

/// <summary>The tick of one video of the plan.</summary>
public sealed record PlanTick(bool Done);

/// <summary>The workspace's fixed choices: the same for everyone.</summary>
public sealed record WorkspaceOptionsResponse(
    IReadOnlyList<WorkspaceCategory> HookStyles,
    IReadOnlyList<WorkspaceCategory> Formats,
    IReadOnlyList<string> Statuses,
    int MaxProducts,
    int MaxVideos,
    int MaxImportBytes,
    IReadOnlyList<string> CsvColumns);

/// <summary>One of the creator's products with what JIMP computes from it.</summary>
public sealed record ProductItem(
    string Id,
    string Name,
    string? Niche,
    decimal? PriceEur,
    decimal? CommissionPercent,
    string? ShopUrl,
    string? Notes,
    string Status,
    decimal? EarningPerSaleEur,
    IReadOnlyList<string> TrendingInNiche,
    bool Trending,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The creator's products and the limit (Workspace:MaxProducts).</summary>
public sealed record ProductList(IReadOnlyList<ProductItem> Items, int Max);

/// <summary>The creator's videos (with retention, click-through and conversion) and the limit (Workspace:MaxVideos).</summary>
public sealed record VideoList(IReadOnlyList<Video> Items, int Max);

public sealed class WorkspaceFunctions(WorkspaceService workspace)
{
    [Function(nameof(GetWorkspaceOptions))]
    [ApiResponse(200, typeof(WorkspaceOptionsResponse))]
    [PublicEndpoint("The workspace's fixed choices (hook styles, formats, statuses, limits, CSV columns): the same for everyone, nothing personal.")]
    public IResult GetWorkspaceOptions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workspace/options")] HttpRequest request)
    {
        return TypedResults.Ok(new WorkspaceOptionsResponse(HookStyles.All, VideoFormats.All, ProductStatuses.All,
            workspace.Options.MaxProducts, workspace.Options.MaxVideos, workspace.Options.MaxImportBytes, VideoCsv.TemplateColumns));
    }

    [Function(nameof(GetVideoTemplate))]
    [ApiQuery("lang", "The language of the example row.", Values = ["fr", "en"])]
    [ApiResponse(200, ContentType = "text/csv", Description = "The template (UTF-8 with BOM): the column ids and one invented example row.")]
    [PublicEndpoint("JIMP's CSV template with an invented example row: the same for everyone, nothing personal.")]
    public IResult GetVideoTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workspace/template.csv")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var french = request.Query["lang"] != "en";
        return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(VideoCsv.Template(french))).ToArray(), "text/csv; charset=utf-8",
            french ? "jimp-modele-videos.csv" : "jimp-videos-template.csv");
    }

    [Function(nameof(ListMyProducts))]
    [ApiResponse(200, typeof(ProductList))]
    public async Task<IResult> ListMyProducts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/products")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var products = await workspace.ProductsAsync(user, cancellationToken);
        return TypedResults.Ok(new ProductList(products.Select(ToView).ToList(), workspace.Options.MaxProducts));
    }

    [Function(nameof(AddMyProduct))]
    [ApiRequest(typeof(ProductInput))]
    [ApiResponse(201, typeof(ProductItem))]
    public async Task<IResult> AddMyProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/products")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var input = await request.ReadJsonAsync<ProductInput>(cancellationToken);
        var product = await workspace.AddProductAsync(user, input, cancellationToken);
        return TypedResults.Created($"/api/me/products/{product.Product.Id}", ToView(product));
    }

    [Function(nameof(UpdateMyProduct))]
    [ApiRequest(typeof(ProductInput))]
    [ApiResponse(200, typeof(ProductItem))]
    public async Task<IResult> UpdateMyProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "me/products/{productId}")] HttpRequest request, string productId, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var input = await request.ReadJsonAsync<ProductInput>(cancellationToken);
        return TypedResults.Ok(ToView(await workspace.UpdateProductAsync(user, RequireId(productId, "product"), input, cancellationToken)));
    }

    [Function(nameof(DeleteMyProduct))]
    [ApiResponse(204)]
    public async Task<IResult> DeleteMyProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "me/products/{productId}")] HttpRequest request, string productId, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        await workspace.DeleteProductAsync(user, RequireId(productId, "product"), cancellationToken);
        return TypedResults.NoContent();
    }

    [Function(nameof(ListMyVideos))]
    [ApiResponse(200, typeof(VideoList))]
    public async Task<IResult> ListMyVideos(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/videos")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var videos = await workspace.VideosAsync(user.UserId, cancellationToken);
        return TypedResults.Ok(new VideoList(videos, workspace.Options.MaxVideos));
    }

    [Function(nameof(AddMyVideo))]
    [ApiRequest(typeof(VideoInput))]
    [ApiResponse(201, typeof(Video))]
    public async Task<IResult> AddMyVideo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/videos")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var input = await request.ReadJsonAsync<VideoInput>(cancellationToken);
        var video = await workspace.SaveVideoAsync(user, null, input, cancellationToken);
        return TypedResults.Created($"/api/me/videos/{video.Id}", video);
    }

    [Function(nameof(UpdateMyVideo))]
    [ApiRequest(typeof(VideoInput))]
    [ApiResponse(200, typeof(Video))]
    public async Task<IResult> UpdateMyVideo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "me/videos/{videoId}")] HttpRequest request, string videoId, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var input = await request.ReadJsonAsync<VideoInput>(cancellationToken);
        return TypedResults.Ok(await workspace.SaveVideoAsync(user, RequireId(videoId, "video"), input, cancellationToken));
    }

    [Function(nameof(DeleteMyVideo))]
    [ApiResponse(204)]
    public async Task<IResult> DeleteMyVideo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "me/videos/{videoId}")] HttpRequest request, string videoId, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        await workspace.DeleteVideoAsync(user, RequireId(videoId, "video"), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Imports a CSV of videos (body <c>text/csv</c>): all rows or none.</summary>
    [Function(nameof(ImportMyVideos))]
    [ApiFileRequest("text/csv", "The CSV file itself (UTF-8, comma or semicolon, a header line): JIMP's template columns (" + VideoCsv.Columns
        + "; see GET /api/workspace/template.csv) or a TikTok Studio export's columns. At most Workspace:MaxImportBytes.")]
    [ApiResponse(200, typeof(ImportResult), Description = "All rows stored. A bad row gives 400 csv-invalid with rows [{line, column, message}] and nothing stored.")]
    public async Task<IResult> ImportMyVideos(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/videos/import")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var csv = await ReadCsvAsync(request, workspace.Options.MaxImportBytes, cancellationToken);
        var result = await workspace.ImportAsync(user, csv, cancellationToken);
        return TypedResults.Ok(result);
    }

    /// <summary>The creator's own insights (403 <c>restricted</c> while processing is restricted).</summary>
    [Function(nameof(GetMyResults))]
    [ApiResponse(200, typeof(CreatorInsightsView))]
    public async Task<IResult> GetMyResults(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/results")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        return TypedResults.Ok(await workspace.InsightsAsync(user, cancellationToken));
    }

    [Function(nameof(GetMyPlan))]
    [ApiQuery("week", "An ISO week, e.g. 2026-W49 (default: next week).")]
    [ApiResponse(200, typeof(WeeklyPlan))]
    public async Task<IResult> GetMyPlan(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/plan")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var plan = await workspace.PlanAsync(user, request.Query["week"], cancellationToken)
            ?? throw new ProblemException(404, "No plan yet.", user.Locale == "en" ? "Ask JIMP to propose this week's plan." : "Demande à JIMP de proposer le plan de cette semaine.") { Code = "no-plan" };
        return TypedResults.Ok(plan);
    }

    [Function(nameof(ProposeMyPlan))]
    [ApiQuery("week", "An ISO week, e.g. 2026-W49 (default: next week).")]
    [ApiResponse(200, typeof(WeeklyPlan))]
    public async Task<IResult> ProposeMyPlan(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/plan")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        return TypedResults.Ok(await workspace.ProposePlanAsync(user, request.Query["week"], cancellationToken));
    }

    [Function(nameof(TickMyPlanItem))]
    [ApiRequest(typeof(PlanTick))]
    [ApiResponse(200, typeof(WeeklyPlan))]
    public async Task<IResult> TickMyPlanItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "me/plan/{week}/items/{index}")] HttpRequest request, string week, string index, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var tick = await request.ReadJsonAsync<PlanTick>(cancellationToken);
        if (!int.TryParse(index, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i)) throw ProblemException.NotFound("plan item");
        return TypedResults.Ok(await workspace.TickAsync(user, week, i, tick.Done, cancellationToken));
    }

    /// <summary>The plan as an <c>.ics</c> calendar (RFC 5545).</summary>
    [Function(nameof(DownloadMyPlan))]
    [ApiResponse(200, ContentType = "text/calendar", Description = "The plan as an RFC 5545 calendar, one all-day event per video.")]
    public async Task<IResult> DownloadMyPlan(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/plan/{week}/calendar")] HttpRequest request, string week, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var plan = await workspace.PlanAsync(user, week, cancellationToken) ?? throw ProblemException.NotFound("plan");
        return TypedResults.File(Encoding.UTF8.GetBytes(workspace.Calendar(plan)), "text/calendar; charset=utf-8", $"jimp-{plan.Week}.ics");
    }

    private static ProductItem ToView(ProductView v) => new(
        v.Product.Id, v.Product.Name, v.Product.Niche, v.Product.PriceEur, v.Product.CommissionPercent, v.Product.ShopUrl, v.Product.Notes,
        v.Product.Status, v.EarningPerSaleEur, v.TrendingInNiche, v.Trending, v.Product.CreatedAt, v.Product.UpdatedAt);

    /// <summary>Ids are the hex this feature makes: anything else is nobody's (404), never a key sent to storage.</summary>
    private static string RequireId(string id, string what) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c)) ? id : throw ProblemException.NotFound(what);

    private static async Task<string> ReadCsvAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var type = request.ContentType ?? "";
        if (!type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) && !type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProblemException(415, "Unsupported media type.", "Send the file as text/csv.") { Code = "unsupported-media-type" };
        }
        if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw new ProblemException(400, "The request is not valid.", "The file must be UTF-8 text (in a spreadsheet: save as CSV UTF-8).") { Code = "csv-encoding" };
        }
    }

    private static ProblemException TooLarge(int maxBytes) =>
        new(413, "Request body too large.", $"The file may be at most {maxBytes / 1024} KiB.") { Code = "too-large" };
}
