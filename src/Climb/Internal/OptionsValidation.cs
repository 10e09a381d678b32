using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>Validates options objects through their DataAnnotations, reporting every problem at once.</summary>
internal static class OptionsValidation
{
    public static T Validate<T>(T options, string? parameterName = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = GetErrors(options);
        if (errors.Count > 0)
        {
            throw new ValidationException(
                $"Invalid {typeof(T).Name}{(parameterName is null ? string.Empty : $" ('{parameterName}')")}:{Environment.NewLine}" +
                string.Join(Environment.NewLine, errors.Select(e => "  - " + e)));
        }

        return options;
    }

    public static List<string> GetErrors(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var errors = results.Select(r => r.ErrorMessage ?? "invalid value").ToList();
        if (options is IValidatableOptions extra)
        {
            errors.AddRange(extra.Validate());
        }

        return errors;
    }
}

/// <summary>Options with cross-field rules beyond DataAnnotations.</summary>
internal interface IValidatableOptions
{
    IEnumerable<string> Validate();
}
