using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Admin;

internal sealed class AdminOptionsValidator : IValidateOptions<BulwarkAdminOptions>
{
    public ValidateOptionsResult Validate(string? name, BulwarkAdminOptions options)
    {
        var hasToken = !string.IsNullOrEmpty(options.Token);
        var hasFile = !string.IsNullOrEmpty(options.TokenFile);
        if (hasToken && hasFile)
        {
            return ValidateOptionsResult.Fail("Set Bulwark:Admin:Token or Bulwark:Admin:TokenFile, not both.");
        }

        if (hasToken && options.Token!.Length < BulwarkAdminConstants.MinTokenLength)
        {
            return ValidateOptionsResult.Fail("Bulwark:Admin:Token must be at least 16 characters long.");
        }

        if (hasFile)
        {
            string token;
            try
            {
                token = AdminToken.ReadFile(options.TokenFile!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return ValidateOptionsResult.Fail($"Bulwark:Admin:TokenFile '{options.TokenFile}' cannot be read: {e.Message}");
            }

            if (token.Length < BulwarkAdminConstants.MinTokenLength)
            {
                return ValidateOptionsResult.Fail($"Bulwark:Admin:TokenFile '{options.TokenFile}' must hold a token of at least 16 characters.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
