<#-- Workers started as local processes read no directives. -->
