using Dashboard.Storage.Rollups;

namespace Dashboard.Tests.Storage;

public sealed class MetadataTextTests
{
    [Theory]
    [InlineData("{\"label\": \"cat\"}", "cat")]
    [InlineData("{\"label\": \"caf\\u00e9 \\\"x\\\"\"}", "café \"x\"")]
    [InlineData("{\"label\": \"\"}", "")]
    [InlineData("{\"label\": null}", null)]
    [InlineData("{\"other\": \"label\"}", null)]
    [InlineData("{\"label\": 3}", "3")]
    [InlineData("{\"label\": 2.50}", "2.50")]
    [InlineData("{\"label\": true}", "true")]
    [InlineData("{\"label\": {\"a\": [1, 2]}, \"b\": 1}", "{\"a\": [1, 2]}")]
    [InlineData("{\"x\": {\"label\": \"inner\"}, \"label\": [1]}", "[1]")]
    [InlineData("{\"label\": \"first\", \"label\": \"last\"}", "last")]
    [InlineData("[\"label\"]", null)]
    [InlineData("{\"label\": ", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Get_Metadata_FieldAsText(string? json, string? expected)
    {
        MetadataText.Get(json, "label").Should().Be(expected);
    }
}
