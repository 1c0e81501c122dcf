using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests.Diagnostics;

/// <summary>
/// The gateway process logs the events of all four assemblies into one stream, so an event id names one event across
/// all of them: dashboards and alerts that filter on an id must not catch another event.
/// </summary>
public sealed class EventIdsTests
{
    private static readonly Assembly[] Assemblies =
    [
        typeof(Bulwark.Pipelines.BulwarkPipeline).Assembly,
        typeof(Bulwark.AspNetCore.Logging.BulwarkJsonConsoleFormatter).Assembly,
        typeof(Bulwark.Storage.Sqlite.SqliteBulwarkStore).Assembly,
        typeof(Bulwark.Gateway.Cli.GatewayCli).Assembly,
    ];

    [Fact]
    public void EveryLoggedEvent_HasAnIdNoOtherEventUses()
    {
        var events = LoggerMessages().Concat(EventIdFields()).ToList();
        Assert.NotEmpty(events);

        var shared = events
            .GroupBy(e => e.Id)
            .Where(g => g.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Name).Distinct(StringComparer.Ordinal))}")
            .ToList();
        Assert.True(shared.Count == 0, "event ids used by more than one event:\n" + string.Join('\n', shared));
    }

    [Fact]
    public void EveryLoggerMessage_TakesItsIdFromItsAssemblysEventIdsClass()
    {
        foreach (var assembly in Assemblies.Where(a => LoggerMessages(a).Any()))
        {
            var eventIds = assembly.GetTypes().Single(t => t.Name == "EventIds");
            var declared = eventIds.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(int))
                .Select(f => (int)f.GetRawConstantValue()!)
                .ToHashSet();
            var undeclared = LoggerMessages(assembly).Where(e => !declared.Contains(e.Id)).Select(e => $"{e.Id} {e.Name}").ToList();
            Assert.True(undeclared.Count == 0, $"{assembly.GetName().Name}: events whose id is not in {eventIds.FullName}:\n" + string.Join('\n', undeclared));
        }
    }

    private static IEnumerable<(int Id, string Name)> LoggerMessages() => Assemblies.SelectMany(LoggerMessages);

    private static IEnumerable<(int Id, string Name)> LoggerMessages(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select (attribute.EventId, $"{assembly.GetName().Name}:{type.FullName}.{method.Name}");

    private static IEnumerable<(int Id, string Name)> EventIdFields() =>
        from assembly in Assemblies
        from type in assembly.GetTypes()
        where type.Name == "EventIds"
        from field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        where field.FieldType == typeof(EventId)
        let id = (EventId)field.GetValue(null)!
        select (id.Id, $"{assembly.GetName().Name}:{id.Name}");
}
