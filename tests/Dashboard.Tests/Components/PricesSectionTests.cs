using Bunit;
using Dashboard.Costs;
using Dashboard.Storage;
using Dashboard.Tests.Alerts;
using Dashboard.Tests.Costs;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Dashboard.Tests.Components;

/// <summary>Settings' prices tab: the table as a grid, add/edit/delete through a dialog checked by the API's parser, file import.</summary>
public sealed class PricesSectionTests : PageComponentTest
{
    private const string Xss = "<img src=x onerror=alert(1)>*";
    private readonly FakePriceStore _store = new();
    private IRenderedComponent<MudDialogProvider>? _dialogs;

    private IRenderedComponent<MudDialogProvider> Dialogs => _dialogs!;

    private IRenderedComponent<PricesSection> RenderSection()
    {
        Services.AddSingleton<IPriceStore>(_store);
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 10, 0, 0, TimeSpan.Zero)));
        Renderer.SetRendererInfo(new RendererInfo("Server", true));
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        return Render<PricesSection>();
    }

    private static PriceEntry Row(string model, double input = 1, string currency = "USD", int day = 1) =>
        new(model, new DateOnly(2026, 1, day), input, 2, null, currency);

    private string HelperOf(string inputId) =>
        Dialogs.Find($"#{inputId}").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text")!.TextContent;

    [Fact]
    public void Render_HostileModelName_ShownAsTextWithPricesAndDay()
    {
        _store.Prices = [Row(Xss, input: 0.15), Row("gpt-4o")];

        var cut = RenderSection();

        cut.FindAll("img").Should().BeEmpty();
        var cells = cut.FindAll(".price-model").Select(c => c.TextContent).ToList();
        cells.Should().Contain(Xss);
        cut.Find("#prices-table").TextContent.Should().Contain("0.15").And.Contain("2026-01-01").And.Contain("as input");
    }

    [Fact]
    public void AddPrice_BadNumbersAndSecondCurrency_ErrorsInWordsNextToFieldsNothingSaved()
    {
        _store.Prices = [Row("gpt-4o")];
        var cut = RenderSection();

        cut.Find("#price-add").Click();
        Dialogs.Find("#price-model").Change("claude-*");
        Dialogs.Find("#price-input").Change("cheap");
        Dialogs.Find("#price-output").Change("-1");
        Dialogs.Find("#price-currency").Change("EUR");
        Dialogs.Find("#price-save").Click();

        Dialogs.WaitForAssertion(() => HelperOf("price-input").Should().Contain("'input_per_million' must be a number from 0 to 1000000"));
        Dialogs.WaitForAssertion(() => HelperOf("price-output").Should().Contain("'output_per_million' must be a number from 0 to 1000000"));
        _store.Prices.Should().ContainSingle();

        Dialogs.Find("#price-input").Change("3");
        Dialogs.Find("#price-output").Change("15");
        Dialogs.Find("#price-save").Click();

        Dialogs.WaitForAssertion(() => HelperOf("price-currency").Should().Contain("Every price must be in one currency"));
        _store.Prices.Should().ContainSingle();
    }

    [Fact]
    public void EditPrice_NewInputPrice_TableReplacedAndGridShowsIt()
    {
        _store.Prices = [Row("gpt-4o", input: 2.5), Row("gpt-4o-mini", input: 0.15)];
        var cut = RenderSection();

        cut.FindAll(".price-row").Single(r => r.QuerySelector(".price-model")!.TextContent == "gpt-4o").QuerySelector(".price-edit")!.Click();
        Dialogs.Find("#price-input").GetAttribute("value").Should().Be("2.5");
        Dialogs.Find("#price-input").Change("5");
        Dialogs.Find("#price-save").Click();

        _store.Prices.Should().HaveCount(2);
        _store.Prices.Single(p => p.Model == "gpt-4o").InputPerMillion.Should().Be(5);
        cut.WaitForAssertion(() => cut.Find("#prices-table").TextContent.Should().Contain("5"));
    }

    [Fact]
    public void DeletePrice_Confirmed_RowGone()
    {
        _store.Prices = [Row("gpt-4o"), Row("gpt-4o-mini")];
        var cut = RenderSection();

        cut.FindAll(".price-row").Single(r => r.QuerySelector(".price-model")!.TextContent == "gpt-4o").QuerySelector(".price-delete")!.Click();
        Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        cut.WaitForAssertion(() => _store.Prices.Select(p => p.Model).Should().Equal("gpt-4o-mini"));
    }

    [Fact]
    public void ImportFile_ValidRows_MergedIntoTable()
    {
        _store.Prices = [Row("gpt-4o", input: 2.5)];
        var cut = RenderSection();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(
            """
            {"prices": [{"model": "gpt-4o", "valid_from": "2026-01-01", "input_per_million": 3, "output_per_million": 9, "currency": "USD"},
                        {"model": "o3-*", "valid_from": "2026-02-01", "input_per_million": 2, "output_per_million": 8, "currency": "USD"}]}
            """, "prices.json"));

        cut.WaitForAssertion(() => _store.Prices.Should().HaveCount(2));
        _store.Prices.Single(p => p.Model == "gpt-4o").InputPerMillion.Should().Be(3);
        cut.FindAll("#price-import-errors").Should().BeEmpty();
    }

    [Fact]
    public void ImportFile_BadRow_ErrorsNameFieldNothingImported()
    {
        _store.Prices = [Row("gpt-4o")];
        var cut = RenderSection();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(
            """[{"model": "x", "valid_from": "01/02/2026", "input_per_million": 1, "output_per_million": 1, "currency": "USD"}]""", "bad.json"));

        cut.WaitForAssertion(() => cut.Find("#price-import-errors").TextContent.Should().Contain("prices[0].valid_from").And.Contain("yyyy-MM-dd"));
        _store.Prices.Should().ContainSingle();
    }
}
