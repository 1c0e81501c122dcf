namespace Bulwark.AspNetCore.Admin;

internal static class BulwarkAdminConstants
{
    public const string SectionName = "Bulwark:Admin";

    public const int MinTokenLength = 16;

    public const string Masked = "***";
}
