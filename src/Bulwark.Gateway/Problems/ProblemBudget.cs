using System.Globalization;
using System.Text.Json;

namespace Bulwark.Gateway.Problems;

/// <summary>The budget a budget problem names: what a client needs to act on the refusal.</summary>
/// <param name="Name">The budget's name.</param>
/// <param name="Subject">Whose counter refused (key id, user, team or tier), or <see langword="null"/> for a global budget.</param>
/// <param name="RemainingTokens">Tokens left, or <see langword="null"/> when tokens are not limited.</param>
/// <param name="RemainingCost">Cost left, or <see langword="null"/> when cost is not limited.</param>
/// <param name="ResetsAt">When it resets, or <see langword="null"/>.</param>
/// <param name="Detail">The problem's detail.</param>
/// <param name="Type">The problem type: <c>budget-exceeded</c> or <c>budget-unpriced</c>.</param>
internal sealed record ProblemBudget(string Name, string? Subject, long? RemainingTokens, decimal? RemainingCost, DateTimeOffset? ResetsAt, string Detail, string Type)
{
    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject("budget");
        json.WriteString("name", Name);
        json.WriteString("subject", Subject);
        if (RemainingTokens is { } tokens)
        {
            json.WriteNumber("remainingTokens", tokens);
        }
        else
        {
            json.WriteNull("remainingTokens");
        }

        if (RemainingCost is { } cost)
        {
            json.WriteNumber("remainingCost", cost);
        }
        else
        {
            json.WriteNull("remainingCost");
        }

        json.WriteString("resetsAt", ResetsAt?.ToString("O", CultureInfo.InvariantCulture));
        json.WriteEndObject();
    }
}
