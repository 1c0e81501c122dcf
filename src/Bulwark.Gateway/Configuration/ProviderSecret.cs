namespace Bulwark.Gateway.Configuration;

/// <summary>
/// One secret of a provider's <c>Auth</c>, from its three settings: a literal, an environment variable, or a file.
/// Validation and the run-time auth read it the same way, so what was validated is what is sent.
/// </summary>
/// <param name="Name">The setting's name without its source, such as <c>ClientSecret</c>.</param>
/// <param name="Literal">The literal value, if set.</param>
/// <param name="FromEnvironment">The environment variable's name, if set.</param>
/// <param name="FromFile">The file's path, if set.</param>
internal readonly record struct ProviderSecret(string Name, string? Literal, string? FromEnvironment, string? FromFile)
{
    /// <summary>Gets whether any of the three settings is given.</summary>
    public bool IsSet => Literal is not null || FromEnvironment is not null || FromFile is not null;

    /// <summary>Reads the secret; never puts its value in the error.</summary>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="value">The secret, trailing white space of a file removed.</param>
    /// <param name="error">Why it cannot be read, as the end of a message after the setting's path; or <see langword="null"/>.</param>
    /// <param name="setting">The setting the error is about (<c>ClientSecretFromFile</c>, say).</param>
    public bool TryRead(Func<string, string?> environment, out string value, out string? error, out string setting)
    {
        value = string.Empty;
        setting = Name;
        int given = (Literal is null ? 0 : 1) + (FromEnvironment is null ? 0 : 1) + (FromFile is null ? 0 : 1);
        if (given != 1)
        {
            error = given == 0
                ? $"set one of {Name}FromEnvironment, {Name}FromFile or {Name} (a literal, for tests only)."
                : $"set only one of {Name}FromEnvironment, {Name}FromFile and {Name}.";
            return false;
        }

        if (Literal is not null)
        {
            value = Literal;
            error = value.Length == 0 ? "must not be empty." : null;
            return error is null;
        }

        if (FromEnvironment is { } variable)
        {
            setting = Name + "FromEnvironment";
            value = (variable.Length == 0 ? null : environment(variable)) ?? string.Empty;
            error = value.Length == 0 ? $"the environment variable '{variable}' is not set." : null;
            return error is null;
        }

        setting = Name + "FromFile";
        return TryReadFile(FromFile!, out value, out error);
    }

    /// <summary>Reads a secret file: at most <see cref="ProviderAuthConstants.MaxSecretFileBytes"/>, trailing white space removed.</summary>
    public static bool TryReadFile(string path, out string value, out string? error)
    {
        value = string.Empty;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                error = $"the file '{path}' does not exist.";
                return false;
            }

            if (file.Length > ProviderAuthConstants.MaxSecretFileBytes)
            {
                error = $"the file '{path}' is larger than {ProviderAuthConstants.MaxSecretFileBytes / 1024} KiB; a secret file holds the secret only.";
                return false;
            }

            value = File.ReadAllText(path).TrimEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"the file '{path}' cannot be read: {e.Message}";
            return false;
        }

        error = value.Length == 0 ? $"the file '{path}' is empty." : null;
        return error is null;
    }
}
