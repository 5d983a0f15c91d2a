<#-- The skeleton of every worker job script: shebang, header directives, prologue, worker command, epilogue.
     header, prologue and epilogue are lists of finished lines; workerCommand is already shell-quoted. -->
${shebang}

<#if header?has_content>
<#list header as line>
${line}
</#list>

</#if>
<#list prologue as line>
${line}
</#list>
${workerCommand}
<#list epilogue as line>
${line}
</#list>
