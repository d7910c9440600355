using Dashboard.Runs;

namespace Dashboard.Tests.Runs;

public sealed class RunNameRuleTests
{
    [Theory]
    [InlineData("run-1")]
    [InlineData("a.b")]
    [InlineData(".hidden")]
    [InlineData("v1.2:eval_3")]
    [InlineData("..x")]
    public void IsValid_OrdinaryName_True(string name)
    {
        RunNameRule.IsValid(name).Should().BeTrue();
    }

    [Theory]
    [InlineData("trail\n")]
    [InlineData("\nlead")]
    [InlineData("mid\nline")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("....")]
    [InlineData("")]
    [InlineData("sp ace")]
    [InlineData("a/b")]
    public void IsValid_HostileName_False(string name)
    {
        RunNameRule.IsValid(name).Should().BeFalse();
    }

    [Fact]
    public void IsValid_LengthLimit_129Refused()
    {
        RunNameRule.IsValid(new string('a', 128)).Should().BeTrue();
        RunNameRule.IsValid(new string('a', 129)).Should().BeFalse();
        RunNameRule.IsValid(new string('a', 128) + "\n").Should().BeFalse();
    }
}
